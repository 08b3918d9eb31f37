# what: pkt spill fill keeps range
# type: tc
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 14
if r4 > r3 goto out
*(u64 *)(r10 - 8) = r2
r5 = *(u64 *)(r10 - 8)
r0 = *(u8 *)(r5 + 13)
exit
out:
r0 = 0
exit
