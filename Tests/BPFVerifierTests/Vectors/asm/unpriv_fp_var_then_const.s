# what: a bounded positive scalar added to fp-64, then a constant taking it back into the frame
# type: tc

r3 = *(u32 *)(r1 + 0)
r3 &= 15
r1 = r10
r1 += -64
r1 += r3
r1 += 8
r0 = 0
exit
