# what: a socket filter returns skb->len
# type: socket_filter

r0 = *(u32 *)(r1 + 0x0)
exit
