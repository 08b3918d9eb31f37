# what: 32-bit modulo by the constant 0
# type: tc

w0 = 10
w0 %= 0
exit
