# what: r2 = r3 + 1, then r3 is loaded again: a bound on the new r3 says nothing about r2
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0x0)
r2 = r3
r2 += 1
r3 = *(u32 *)(r1 + 0x4)
if r3 > 0xe goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
