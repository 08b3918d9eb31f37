# what: a tc program writes skb->mark
# type: tc

r2 = 7
*(u32 *)(r1 + 0x8) = r2
r0 = 0
exit
