# what: a socket filter calls bpf_skb_store_bytes
# type: socket_filter

r2 = 0
*(u64 *)(r10 - 0x8) = r2
r2 = 0
r3 = r10
r3 += -0x8
r4 = 2
r5 = 0
call 9
r0 = 0
exit
