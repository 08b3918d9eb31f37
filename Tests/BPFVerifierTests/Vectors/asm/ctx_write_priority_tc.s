# what: a tc program writes skb->priority
# type: tc

r2 = 7
*(u32 *)(r1 + 0x20) = r2
r0 = 0
exit
