# what: r2 = r3 + 0x80000000 (above S32_MAX): no link, so checking r2 does not bound r3
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r2 = r3
r2 += 0x7fffffff
r2 += 1
r5 = r3
r7 = 0x80000000 ll
r5 += r7
r6 = 0x8000000f ll
if r5 > r6 goto out
r4 = r10
r4 += -16
r4 += r3
r0 = *(u8 *)(r4 + 0)
out:
exit
