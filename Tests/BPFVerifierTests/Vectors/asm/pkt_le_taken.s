# what: pkt le taken
# type: tc
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 8
if r4 <= r3 goto ok
r0 = 0
exit
ok:
r0 = *(u64 *)(r2 + 0)
exit
