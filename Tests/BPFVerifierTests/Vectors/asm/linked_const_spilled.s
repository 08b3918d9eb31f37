# what: r2 = r3 + 2 spilled to the stack; checking r3 <= 13 bounds the spilled copy, filled back as an index
# type: tc

r4 = 0
*(u64 *)(r10 - 16) = r4
*(u64 *)(r10 - 8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0)
r2 = r3
r2 += 2
*(u64 *)(r10 - 24) = r2
if r3 > 13 goto out
r2 = *(u64 *)(r10 - 24)
r4 = r10
r4 += -16
r4 += r2
r0 = *(u8 *)(r4 + 0)
out:
exit
