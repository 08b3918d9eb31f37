# what: 8-byte read of skb->cb starting at cb[1] (offset 52)
# type: tc

r0 = *(u64 *)(r1 + 0x34)
exit
