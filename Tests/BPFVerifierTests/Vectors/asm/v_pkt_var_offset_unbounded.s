# what: pkt var offset unbounded
# type: tc
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r5 = *(u32 *)(r1 + 0)
r2 += r5
r4 = r2
r4 += 4
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0)
exit
out:
r0 = 0
exit
