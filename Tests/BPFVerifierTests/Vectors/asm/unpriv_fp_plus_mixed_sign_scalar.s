# what: the frame pointer moved by a scalar in [-4, 3] (both signs), no access
# type: tc

r3 = *(u32 *)(r1 + 0)
r3 &= 7
r3 += -4
r1 = r10
r1 += -16
r1 += r3
r0 = 0
exit
