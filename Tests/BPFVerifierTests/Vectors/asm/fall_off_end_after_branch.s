# what: the taken branch reaches the end of the program without exit
# type: tc

r0 = 0
r2 = *(u32 *)(r1 + 0x0)
if r2 != 0x0 goto +1
exit
r0 = 1
