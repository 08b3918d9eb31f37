# what: ptr sub ptr
# type: tc
r0 = r10
r0 -= r10
exit
