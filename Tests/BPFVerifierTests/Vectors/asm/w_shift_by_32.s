# what: w shift by 32
# type: tc
w0 = 1
w0 <<= 32
exit
