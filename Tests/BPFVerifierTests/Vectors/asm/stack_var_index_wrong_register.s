# what: checks a copy of the index, then reloads the index from the context and uses it unchecked
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r2 = *(u32 *)(r1 + 0x0)
r3 = r2
r2 = *(u32 *)(r1 + 0x0)
if r3 > 0xf goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
