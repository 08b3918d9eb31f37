# what: 32-bit left shift by the constant 32
# type: tc

w0 = 1
w0 <<= 32
exit
