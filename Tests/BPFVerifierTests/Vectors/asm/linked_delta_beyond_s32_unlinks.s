# what: a delta of 0x80000000 (beyond 32 signed bits) is not tracked: r3 <= 14 does not bound r2 = r3 + 0x80000000 - 0x80000000
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0x0)
r5 = 0x80000000 ll
r2 = r3
r2 += r5
if r3 > 0xe goto out
r2 -= r5
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
