# what: a socket filter reads skb->mark
# type: socket_filter

r0 = *(u32 *)(r1 + 0x8)
exit
