# what: a 32-bit compare on a 64-bit value with unknown upper half does not bound it
# type: tc

r3 = 0
*(u64 *)(r10 - 0x10) = r3
*(u64 *)(r10 - 0x8) = r3
r0 = 0
r2 = *(u32 *)(r1 + 0x0)
r5 = *(u32 *)(r1 + 0x8)
r5 <<= 32
r2 |= r5
if w2 >= 0x10 goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
