# what: pkt end le reversed
# type: tc
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 20
if r3 <= r4 goto out
r0 = *(u8 *)(r2 + 20)
exit
out:
r0 = 0
exit
