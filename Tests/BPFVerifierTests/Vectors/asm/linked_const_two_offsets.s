# what: r2 = r3 + 2 and r5 = r3 + 5; checking r5 <= 17 bounds r2 to 2..14
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r2 = r3
r2 += 2
r5 = r3
r5 += 5
if r5 > 17 goto out
r4 = r10
r4 += -16
r4 += r2
r0 = *(u8 *)(r4 + 0)
out:
exit
