# what: ctx read mark
# type: tc
r0 = *(u32 *)(r1 + 8)
exit
