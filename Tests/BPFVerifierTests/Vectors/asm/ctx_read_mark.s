# what: reads skb->mark (u32)
# type: tc

r0 = *(u32 *)(r1 + 0x8)
exit
