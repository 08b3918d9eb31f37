# what: stack narrow write narrow read
# type: tc
r1 = 5
*(u32 *)(r10 - 4) = r1
r0 = *(u32 *)(r10 - 4)
exit
