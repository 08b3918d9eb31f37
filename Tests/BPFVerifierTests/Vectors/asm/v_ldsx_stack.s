# what: ldsx stack
# type: tc
r1 = -1
*(u64 *)(r10 - 8) = r1
r0 = *(s8 *)(r10 - 8)
exit
