# what: spills a checked packet pointer to the stack, fills it and reads within range
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0xe
if r4 > r3 goto out
*(u64 *)(r10 - 0x8) = r2
r5 = *(u64 *)(r10 - 0x8)
r0 = *(u8 *)(r5 + 0xd)
out:
exit
