# what: shift by 64
# type: tc
r0 = 1
r0 <<= 64
exit
