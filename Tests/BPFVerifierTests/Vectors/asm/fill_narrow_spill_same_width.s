# what: a u32 spill of a bounded scalar filled back as u32 keeps its bounds: indexes the stack
# type: tc

r1 = *(u32 *)(r1 + 0)
r1 &= 7
*(u32 *)(r10 - 8) = r1
r2 = *(u32 *)(r10 - 8)
r3 = r10
r3 += -16
r3 += r2
r0 = 0
*(u64 *)(r10 - 16) = r0
r0 = *(u8 *)(r3 + 0)
exit
