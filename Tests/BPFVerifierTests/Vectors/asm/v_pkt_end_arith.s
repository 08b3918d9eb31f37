# what: pkt end arith
# type: tc
r3 = *(u32 *)(r1 + 80)
r3 += 1
r0 = 0
exit
