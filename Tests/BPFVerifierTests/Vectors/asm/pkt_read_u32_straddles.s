# what: reads 4 bytes at offset 12 of a 14-byte proven range
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0xe
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0xc)
out:
exit
