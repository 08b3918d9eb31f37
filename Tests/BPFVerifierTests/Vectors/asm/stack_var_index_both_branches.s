# what: both branches of `i < 8` use i with their own bound (i, and i - 8 when i < 16)
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r2 = *(u32 *)(r1 + 0x0)
r4 = r10
r4 += -0x10
if r2 < 0x8 goto small
if r2 > 0xf goto out
r2 -= 8
r4 += r2
r0 = *(u8 *)(r4 + 0x8)
exit
small:
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
