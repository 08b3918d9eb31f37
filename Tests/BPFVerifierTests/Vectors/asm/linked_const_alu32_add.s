# what: w2 = w3 + 1 (a 32-bit add): no link, checking r3 <= 14 does not bound r2
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r2 = r3
w2 += 1
if r3 > 14 goto out
r4 = r10
r4 += -16
r4 += r2
r0 = *(u8 *)(r4 + 0)
out:
exit
