# what: subtracts two stack pointers, result returned as a scalar
# type: tc

r2 = r10
r2 += -0x8
r0 = r10
r0 -= r2
exit
