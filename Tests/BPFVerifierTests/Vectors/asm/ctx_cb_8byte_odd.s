# what: ctx cb 8byte odd
# type: tc
r0 = *(u64 *)(r1 + 52)
exit
