# what: 2-byte narrow read of the upper half of skb->len
# type: tc

r0 = *(u16 *)(r1 + 0x2)
exit
