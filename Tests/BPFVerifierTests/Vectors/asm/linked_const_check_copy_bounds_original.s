# what: r2 = r3 + 4 checked <= 10 bounds r3 to 0..6, which indexes a 16-byte stack area
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r2 = r3
r2 += 4
if r2 > 10 goto out
r4 = r10
r4 += -16
r4 += r3
r0 = *(u8 *)(r4 + 0)
out:
exit
