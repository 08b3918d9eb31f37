# what: writes the read-only skb->hash
# type: tc

r2 = 7
*(u32 *)(r1 + 0x44) = r2
r0 = 0
exit
