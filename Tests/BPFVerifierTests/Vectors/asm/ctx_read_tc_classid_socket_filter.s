# what: a socket filter reads skb->tc_classid
# type: socket_filter

r0 = *(u32 *)(r1 + 0x48)
exit
