# what: r2 = r3 + r5 where r5 holds the constant 1: linked like an immediate
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r5 = 1
r2 = r3
r2 += r5
if r3 > 14 goto out
r4 = r10
r4 += -16
r4 += r2
r0 = *(u8 *)(r4 + 0)
out:
exit
