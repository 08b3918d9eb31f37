# what: ctx cb 8byte
# type: tc
r0 = *(u64 *)(r1 + 48)
exit
