# what: signed divide by a register holding skb->len
# type: tc

r2 = *(u32 *)(r1 + 0x0)
r0 = -100
r0 s/= r2
exit
