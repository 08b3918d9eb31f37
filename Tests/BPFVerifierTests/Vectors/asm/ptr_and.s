# what: bitwise AND on a stack pointer
# type: tc

r2 = r10
r2 &= 0xfff0
r0 = 0
exit
