# what: R0 is set on one branch only and read by the common exit
# type: tc

r2 = *(u32 *)(r1 + 0x0)
if r2 == 0x0 goto skip
r0 = 1
skip:
exit
