# what: bitwise OR on a context pointer
# type: tc

r1 |= 0x1
r0 = 0
exit
