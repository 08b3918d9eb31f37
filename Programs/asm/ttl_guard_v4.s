# ttl_guard_v4: v4 instructions at work, the hand-written twin of c/ttl_guard_v4.c.
# A tc program (r1 = struct __sk_buff): drops IPv4 packets whose TTL is below 2 or whose IP
# total length exceeds the frame, and marks the rest with (source address s/ -7) s% 16 plus
# the hops left. Uses movsx, bswap, sdiv, smod, a signed load and gotol.
	r0 = 0                          # TC_ACT_OK
	w2 = *(u32 *)(r1 + 76)          # skb->data
	w3 = *(u32 *)(r1 + 80)          # skb->data_end
	r4 = r2
	r4 += 34                        # Ethernet (14) + IPv4 header (20)
	if r4 > r3 goto pass
	w4 = *(u16 *)(r2 + 12)          # EtherType
	if w4 != 0x8 goto pass          # IPv4 only
	r5 = *(s8 *)(r2 + 22)           # TTL, sign-extended (ldxsb)
	w5 += -1
	w5 = (s8)w5                     # hops left as a signed byte (movsx)
	if w5 s< 1 goto drop
	w4 = *(u32 *)(r1 + 0)           # skb->len
	w4 += -14                       # minus the Ethernet header
	w6 = *(u16 *)(r2 + 16)          # IPv4 total length, network order
	r6 = bswap16 r6                 # to host order
	if w4 s< w6 goto drop
	w6 = *(u32 *)(r2 + 26)          # source address
	r6 = bswap32 r6
	r6 = (s32)r6                    # as a signed 64-bit value
	r6 s/= -7
	r6 s%= 16
	w6 += w5
	*(u32 *)(r1 + 8) = w6           # skb->mark
	gotol pass                      # a 32-bit-offset jump
drop:
	r0 = 2                          # TC_ACT_SHOT
pass:
	exit
