# what: a byte store at a bounded variable stack offset
# type: tc

r0 = 0
r2 = *(u32 *)(r1 + 0x0)
r2 &= 0x7
r4 = r10
r4 += -0x8
r4 += r2
*(u8 *)(r4 + 0x0) = r0
exit
