# what: atomic add on a stack slot that was never written
# type: tc

r1 = 1
lock *(u64 *)(r10 - 0x8) += r1
r0 = 0
exit
