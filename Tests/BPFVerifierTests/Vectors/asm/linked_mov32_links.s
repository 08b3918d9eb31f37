# what: w2 = w3 (a 32-bit copy of a 32-bit value) stays linked: checking r3 <= 15 bounds r2
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
w2 = w3
if r3 > 15 goto out
r4 = r10
r4 += -16
r4 += r2
r0 = *(u8 *)(r4 + 0)
out:
exit
