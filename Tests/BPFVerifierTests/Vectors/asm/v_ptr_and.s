# what: ptr and
# type: tc
r0 = r10
r0 &= 8
r0 = 0
exit
