# what: stores at fp+0, above the stack
# type: tc

r1 = 0
*(u64 *)(r10 + 0x0) = r1
r0 = 0
exit
