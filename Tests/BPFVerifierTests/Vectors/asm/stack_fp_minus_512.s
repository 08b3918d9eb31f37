# what: stores at fp-512, the lowest valid slot
# type: tc

r1 = 0
*(u64 *)(r10 - 0x200) = r1
r0 = 0
exit
