# what: ctx modified
# type: tc
r1 += 8
r0 = *(u32 *)(r1 + 0)
exit
