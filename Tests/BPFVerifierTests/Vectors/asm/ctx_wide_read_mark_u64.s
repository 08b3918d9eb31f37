# what: 8-byte read of the 4-byte skb->mark field
# type: tc

r0 = *(u64 *)(r1 + 0x8)
exit
