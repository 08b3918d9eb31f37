# what: a socket filter writes skb->cb[1]
# type: socket_filter

r2 = 7
*(u32 *)(r1 + 0x34) = r2
r0 = 0
exit
