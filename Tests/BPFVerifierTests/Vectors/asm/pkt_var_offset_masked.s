# what: pkt var offset masked
# type: tc
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 1
if r4 > r3 goto out
r5 = *(u8 *)(r2 + 0)
r5 &= 15
r2 += r5
r4 = r2
r4 += 4
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0)
exit
out:
r0 = 0
exit
