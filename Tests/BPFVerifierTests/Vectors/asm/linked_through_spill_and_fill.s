# what: r3 is spilled to fp-24 and filled into r2: the copy stays linked, so r3 <= 15 bounds the stack index r2
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0x0)
*(u64 *)(r10 - 0x18) = r3
r2 = *(u64 *)(r10 - 0x18)
if r3 > 0xf goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
