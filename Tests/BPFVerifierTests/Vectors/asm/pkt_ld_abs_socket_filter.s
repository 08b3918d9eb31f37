# what: a socket filter reads a packet byte with legacy LD_ABS
# type: socket_filter

r6 = r1
r0 = *(u8 *)skb[0x0]
exit
