# what: loop on unknown bound
# type: tc
r1 = *(u32 *)(r1 + 0)
r0 = 0
l:
r0 += 1
if r0 < r1 goto l
exit
