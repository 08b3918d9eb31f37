# what: returns skb->data
# type: tc

r0 = *(u32 *)(r1 + 0x4c)
exit
