# classifier: a 5-tuple filter for tc, the hand-written twin of c/classifier.c.
# r1 = the struct __sk_buff context. Drops (TC_ACT_SHOT = 2) packets from 192.0.2.0/24 or
# 198.51.100.0/24, and packets to TCP ports 23, 135-139, 445, 3389 or UDP ports 69, 161,
# 1900; passes the rest (TC_ACT_OK = 0), marking TCP with skb->mark = 1 and UDP with 2.
	r6 = r1                         # keep the context for the mark store
	r0 = 0                          # TC_ACT_OK
	w2 = *(u32 *)(r6 + 76)          # skb->data
	w3 = *(u32 *)(r6 + 80)          # skb->data_end
	r4 = r2
	r4 += 34                        # Ethernet (14) + minimal IPv4 (20)
	if r4 > r3 goto out
	w4 = *(u16 *)(r2 + 12)          # EtherType
	if w4 != 0x8 goto out           # IPv4 only
	w4 = *(u32 *)(r2 + 26)          # source address, network order
	r4 = be32 r4                    # to host order
	w5 = w4
	w5 &= 0xffffff00
	if w5 == 0xc0000200 goto drop   # 192.0.2.0/24
	if w5 == 0xc6336400 goto drop   # 198.51.100.0/24
	w4 = *(u8 *)(r2 + 14)           # version and IHL
	w4 &= 0xf
	w4 <<= 2                        # IPv4 header length in bytes
	if w4 < 20 goto drop            # malformed
	w5 = *(u16 *)(r2 + 20)          # flags and fragment offset, network order
	w5 &= 0xff1f                    # fragment offset bits, read little-endian
	if w5 != 0 goto out             # a later fragment has no L4 header
	w5 = *(u8 *)(r2 + 23)           # IPv4 protocol
	r2 += r4
	r2 += 14                        # the L4 header
	r4 = r2
	r4 += 4                         # ports: the first 4 bytes of TCP and UDP
	if r4 > r3 goto out
	w4 = *(u16 *)(r2 + 2)           # destination port
	r4 = be16 r4                    # to host order
	if w5 == 6 goto tcp
	if w5 == 17 goto udp
	goto out
tcp:
	r1 = r2
	r1 += 20                        # the TCP header must be complete (20 bytes)
	if r1 > r3 goto out
	if w4 == 23 goto drop           # telnet
	if w4 == 445 goto drop          # SMB
	if w4 == 3389 goto drop         # RDP
	w5 = w4
	w5 += -135
	if w5 < 5 goto drop             # 135-139: NetBIOS, DCE RPC
	w1 = 1
	*(u32 *)(r6 + 8) = w1           # skb->mark = 1
	goto out
udp:
	r1 = r2
	r1 += 8                         # the UDP header must be complete (8 bytes)
	if r1 > r3 goto out
	if w4 == 69 goto drop           # TFTP
	if w4 == 161 goto drop          # SNMP
	if w4 == 1900 goto drop         # SSDP
	w1 = 2
	*(u32 *)(r6 + 8) = w1           # skb->mark = 2
	goto out
drop:
	r0 = 2                          # TC_ACT_SHOT
out:
	exit
