# what: ctx st imm mark
# type: tc
*(u32 *)(r1 + 8) = 5
r0 = 0
exit
