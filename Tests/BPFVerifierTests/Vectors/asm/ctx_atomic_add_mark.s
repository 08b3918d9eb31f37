# what: atomic add into skb->mark
# type: tc

r2 = 1
lock *(u32 *)(r1 + 0x8) += r2
r0 = 0
exit
