# what: sign-extending moves on a scalar
# type: tc

r2 = *(u32 *)(r1 + 0x0)
r0 = (s8)r2
w0 = (s16)w2
r0 = (s32)r2
r0 = 0
exit
