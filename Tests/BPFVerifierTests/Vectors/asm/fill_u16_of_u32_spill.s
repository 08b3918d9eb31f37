# what: a u32 spill of 5 read back as u16 at the slot start: 5
# type: tc

r1 = 5
*(u32 *)(r10 - 8) = r1
r2 = *(u16 *)(r10 - 8)
r3 = r10
r3 += -16
r3 += r2
r0 = 0
*(u64 *)(r10 - 16) = r0
r0 = *(u8 *)(r3 + 0)
exit
