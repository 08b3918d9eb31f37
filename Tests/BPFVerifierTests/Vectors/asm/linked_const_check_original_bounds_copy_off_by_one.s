# what: r2 = r3 + 1 with r3 <= 15: r2 reaches 16, one past the 16-byte area
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r2 = r3
r2 += 1
if r3 > 15 goto out
r4 = r10
r4 += -16
r4 += r2
r0 = *(u8 *)(r4 + 0)
out:
exit
