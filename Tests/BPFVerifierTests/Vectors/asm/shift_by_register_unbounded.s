# what: shift by a register holding an unknown value (allowed)
# type: tc

r2 = *(u32 *)(r1 + 0x0)
r0 = 1
r0 <<= r2
exit
