# what: a socket filter writes skb->mark
# type: socket_filter

r2 = 7
*(u32 *)(r1 + 0x8) = r2
r0 = 0
exit
