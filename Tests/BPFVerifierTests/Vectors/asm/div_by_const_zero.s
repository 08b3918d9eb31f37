# what: 64-bit divide by the constant 0
# type: tc

r0 = 10
r0 /= 0
exit
