# what: atomic add on an initialised stack slot
# type: tc

r1 = 0
*(u64 *)(r10 - 0x8) = r1
r1 = 1
lock *(u64 *)(r10 - 0x8) += r1
r0 = *(u64 *)(r10 - 0x8)
exit
