# what: 1-byte narrow read of the low byte of skb->len
# type: tc

r0 = *(u8 *)(r1 + 0x0)
exit
