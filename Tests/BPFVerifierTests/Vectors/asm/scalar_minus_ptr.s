# what: subtracts a pointer from a scalar
# type: tc

r0 = 100
r0 -= r10
r0 = 0
exit
