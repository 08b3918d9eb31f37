# what: a tc program writes a byte of the packet after the bounds check
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0xe
if r4 > r3 goto out
r5 = 0xff
*(u8 *)(r2 + 0x0) = r5
out:
exit
