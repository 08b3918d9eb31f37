# port_filter: bpf-to-bpf calls, the hand-written twin of c/port_filter.c. A tc program
# (r1 = struct __sk_buff) that drops TCP and UDP packets to ports below 1024 except 22, 53,
# 80 and 443. `call l4_offset` is a local call (src = 1): the callee gets its own frame;
# r1-r5 are arguments, r0 the result, r6-r9 survive the call.
	r6 = r1                         # the context, kept across calls
	w2 = 6                          # IPPROTO_TCP
	call l4_offset
	if w0 s>= 0 goto found
	r1 = r6
	w2 = 17                         # IPPROTO_UDP
	call l4_offset
	if w0 s< 0 goto pass
found:
	w2 = *(u32 *)(r6 + 76)          # skb->data
	w3 = *(u32 *)(r6 + 80)          # skb->data_end
	r2 += r0                        # the L4 header (r0 is at most 74)
	r4 = r2
	r4 += 4                         # the ports: first 4 bytes of TCP and UDP
	if r4 > r3 goto pass
	w1 = *(u16 *)(r2 + 2)           # destination port, network order
	r1 = be16 r1
	call allowed_port
	if w0 != 0 goto pass
	r0 = 2                          # TC_ACT_SHOT
	exit
pass:
	r0 = 0                          # TC_ACT_OK
	exit

# l4_offset(r1 = skb, w2 = protocol): offset of the L4 header of an IPv4 packet carrying
# `protocol`, else -1.
l4_offset:
	w0 = -1
	w4 = *(u32 *)(r1 + 76)          # skb->data
	w3 = *(u32 *)(r1 + 80)          # skb->data_end
	r5 = r4
	r5 += 34                        # Ethernet (14) + minimal IPv4 (20)
	if r5 > r3 goto l4_done
	w5 = *(u16 *)(r4 + 12)          # EtherType
	if w5 != 0x8 goto l4_done       # IPv4 only
	w5 = *(u8 *)(r4 + 23)           # protocol
	if w5 != w2 goto l4_done
	w5 = *(u8 *)(r4 + 14)           # version and IHL
	w5 &= 0xf
	if w5 < 5 goto l4_done          # malformed
	w5 <<= 2
	w5 += 14
	w0 = w5
l4_done:
	exit

# allowed_port(w1 = port): 1 if the port may pass, else 0.
allowed_port:
	w0 = 1
	if w1 > 1023 goto allowed_done
	if w1 == 22 goto allowed_done
	if w1 == 53 goto allowed_done
	if w1 == 80 goto allowed_done
	if w1 == 443 goto allowed_done
	w0 = 0
allowed_done:
	exit
