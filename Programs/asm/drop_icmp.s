# drop_icmp: a tc program that drops IPv4 ICMP (TC_ACT_SHOT = 2) and passes everything
# else (TC_ACT_OK = 0). r1 = the struct __sk_buff context. Same logic as c/drop_icmp.c.
	r0 = 0                          # TC_ACT_OK unless proven ICMP
	w2 = *(u32 *)(r1 + 76)          # skb->data
	w3 = *(u32 *)(r1 + 80)          # skb->data_end
	r4 = r2
	r4 += 34                        # Ethernet (14) + IPv4 header (20)
	if r4 > r3 goto out             # frame too short: pass
	w4 = *(u16 *)(r2 + 12)          # EtherType, network order
	if w4 != 0x8 goto out           # not 0x0800 (IPv4): pass
	w4 = *(u8 *)(r2 + 23)           # IPv4 protocol
	if w4 != 1 goto out             # not ICMP: pass
	r0 = 2                          # TC_ACT_SHOT
out:
	exit
