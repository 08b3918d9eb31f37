# what: scalar minus ptr
# type: tc
r0 = 0
r0 -= r10
r0 = 0
exit
