# what: the frame pointer moved by a register holding a known negative constant, then used
# type: tc

r2 = -8
r1 = r10
r1 += r2
r3 = 0
*(u64 *)(r1 + 0) = r3
r0 = *(u64 *)(r1 + 0)
exit
