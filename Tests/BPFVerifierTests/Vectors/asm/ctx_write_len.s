# what: writes the read-only skb->len
# type: tc

r2 = 7
*(u32 *)(r1 + 0x0) = r2
r0 = 0
exit
