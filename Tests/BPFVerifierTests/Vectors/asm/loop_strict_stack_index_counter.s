# what: a loop reading the stack at fp-8 + counter (r3 = r10 - 8 + r1): unprivileged, every round needs a different mask for the same pointer arithmetic
# type: tc

r2 = 0
*(u64 *)(r10 - 8) = r2
r1 = 0
r0 = 0
loop:
r3 = r10
r3 += -8
r3 += r1
r4 = *(u8 *)(r3 + 0)
r0 += r4
r1 += 1
if r1 < 8 goto loop
exit
