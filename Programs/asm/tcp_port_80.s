# tcp_port_80: is this Ethernet frame IPv4/TCP to port 80? r1 = the frame, r2 = its length
# (the memory-block convention of `skbpf run --mem`); returns 1 for yes, 0 for no.
# The uBPF test program of the same name, with bounds checks so it never reads past r2.
	r0 = 0
	if r2 < 34 goto out             # Ethernet (14) + minimal IPv4 header (20)
	w3 = *(u16 *)(r1 + 12)          # EtherType, network order
	if r3 != 0x8 goto out           # 0x0800 (IPv4) read little-endian
	w3 = *(u8 *)(r1 + 23)           # IPv4 protocol
	if r3 != 6 goto out             # TCP
	w3 = *(u8 *)(r1 + 14)           # version and IHL
	r3 &= 0xf
	r3 <<= 2                        # IPv4 header length in bytes
	r3 += 14                        # offset of the TCP header
	r4 = r3
	r4 += 4                         # the ports are the first 4 bytes
	if r4 > r2 goto out
	r1 += r3
	w3 = *(u16 *)(r1 + 2)           # destination port, network order
	if r3 != 0x5000 goto out        # 80 read little-endian
	r0 = 1
out:
	exit
