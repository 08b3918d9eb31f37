# what: 64-bit left shift by the constant 64
# type: tc

r0 = 1
r0 <<= 64
exit
