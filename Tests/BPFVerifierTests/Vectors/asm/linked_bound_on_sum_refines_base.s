# what: the bound is found for the sum r2 = r3 + 1 (1..15) and r3 = r2 - 1 (0..14) is the stack index
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0x0)
r2 = r3
r2 += 1
if r2 > 0xf goto out
r2 = r3
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
