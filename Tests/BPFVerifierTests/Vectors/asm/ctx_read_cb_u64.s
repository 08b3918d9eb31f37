# what: 8-byte read of skb->cb[0..1]
# type: tc

r0 = *(u64 *)(r1 + 0x30)
exit
