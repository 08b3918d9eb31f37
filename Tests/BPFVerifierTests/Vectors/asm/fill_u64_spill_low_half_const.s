# what: an 8-byte constant spill (3) read back as its low u32: still 3, a stack index
# type: tc

r1 = 3
*(u64 *)(r10 - 8) = r1
r2 = *(u32 *)(r10 - 8)
r3 = r10
r3 += -16
r3 += r2
r0 = 0
*(u64 *)(r10 - 16) = r0
r0 = *(u8 *)(r3 + 0)
exit
