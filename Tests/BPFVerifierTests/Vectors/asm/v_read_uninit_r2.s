# what: read uninit r2
# type: tc
r0 = r2
exit
