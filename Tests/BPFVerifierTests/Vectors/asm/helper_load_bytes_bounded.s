# what: helper load bytes bounded
# type: tc
r2 = 0
r3 = r10
r3 += -16
r4 = *(u32 *)(r1 + 0)
r4 &= 15
r4 += 1
call 26
r0 = 0
exit
