# what: a socket filter loads skb->data for direct packet access
# type: socket_filter

r2 = *(u32 *)(r1 + 0x4c)
r0 = 0
exit
