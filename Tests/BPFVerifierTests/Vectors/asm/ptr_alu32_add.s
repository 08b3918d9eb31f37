# what: 32-bit add on a context pointer
# type: tc

w1 += 0x8
r0 = 0
exit
