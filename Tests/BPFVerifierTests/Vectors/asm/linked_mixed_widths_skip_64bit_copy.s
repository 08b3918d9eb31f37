# what: r7 = r6 + 1 (32-bit) and r8 = r6 + 2 (64-bit) share a link; a bound on r7 (1..15) is not passed to r8 across widths, so r8 - 2 is not a bounded stack index
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r6 = *(u32 *)(r1 + 0x0)
r7 = r6
w7 += 1
r8 = r6
r8 += 2
if r7 > 0xf goto out
if r7 == 0x0 goto out
r2 = r8
r2 += -2
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
