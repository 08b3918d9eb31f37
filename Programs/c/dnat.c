// dnat: destination NAT for a virtual IP, the way a tc load balancer rewrites packets.
// IPv4 packets to 10.0.0.2 are sent on to a backend:
//   TCP port 80  -> 10.0.1.80:8080   (mark 0x106)
//   UDP port 53  -> 10.0.1.53:5353   (mark 0x111)
//   ICMP         -> 10.0.1.1         (mark 0x101; the ICMP checksum has no pseudo header)
// The address is written with bpf_skb_store_bytes and both checksums are patched
// incrementally: bpf_l3_csum_replace for the IPv4 header, bpf_l4_csum_replace with
// BPF_F_PSEUDO_HDR for the TCP/UDP pseudo header (size 4) and again for the port (size 2).
// UDP uses BPF_F_MARK_MANGLED_0 so that "no checksum" (0) stays 0 and a computed 0 becomes
// 0xffff. Everything else passes unchanged; the verdict is always TC_ACT_OK.
#include "skbpf.h"

#define VIP 0x0a000002		/* 10.0.0.2 */
#define TCP_BACKEND 0x0a000150	/* 10.0.1.80 */
#define UDP_BACKEND 0x0a000135	/* 10.0.1.53 */
#define ICMP_BACKEND 0x0a000101 /* 10.0.1.1 */

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_DST_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))

// Rewrites the IPv4 destination address and the IPv4 header checksum.
static __always_inline int rewrite_daddr(struct __sk_buff *skb, __be32 old_addr, __be32 new_addr)
{
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr)))
		return -1;
	return bpf_skb_store_bytes(skb, IP_DST_OFF, &new_addr, sizeof(new_addr), 0) ? -1 : 0;
}

// Rewrites a TCP/UDP destination port and the address + port parts of its checksum.
static __always_inline int rewrite_l4(struct __sk_buff *skb, __u32 l4_off, __u32 csum_off,
				      __u64 csum_flags, __be32 old_addr, __be32 new_addr,
				      __be16 old_port, __be16 new_port)
{
	if (bpf_l4_csum_replace(skb, l4_off + csum_off, old_addr, new_addr,
				csum_flags | BPF_F_PSEUDO_HDR | sizeof(new_addr)))
		return -1;
	if (bpf_l4_csum_replace(skb, l4_off + csum_off, old_port, new_port, csum_flags | sizeof(new_port)))
		return -1;
	return bpf_skb_store_bytes(skb, l4_off + offsetof(struct tcphdr, dest), &new_port, sizeof(new_port), 0)
		       ? -1
		       : 0;
}

SEC("tc")
int dnat(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5 || ip->daddr != bpf_htonl(VIP))
		return TC_ACT_OK;
	if (ip->frag_off & bpf_htons(IP_OFFSET))
		return TC_ACT_OK;

	__be32 old_addr = ip->daddr;
	__u32 l4_off = ETH_HLEN + ip->ihl * 4;
	void *l4 = (void *)ip + ip->ihl * 4;

	// Packet pointers die at the first helper that changes data: read everything first.
	switch (ip->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > data_end || tcp->dest != bpf_htons(80))
			return TC_ACT_OK;
		__be32 new_addr = bpf_htonl(TCP_BACKEND);
		if (rewrite_l4(skb, l4_off, offsetof(struct tcphdr, check), 0, old_addr, new_addr,
			       bpf_htons(80), bpf_htons(8080)))
			return TC_ACT_SHOT;
		if (rewrite_daddr(skb, old_addr, new_addr))
			return TC_ACT_SHOT;
		skb->mark = 0x100 | IPPROTO_TCP;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *udp = l4;
		if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(53))
			return TC_ACT_OK;
		__be32 new_addr = bpf_htonl(UDP_BACKEND);
		if (rewrite_l4(skb, l4_off, offsetof(struct udphdr, check), BPF_F_MARK_MANGLED_0, old_addr,
			       new_addr, bpf_htons(53), bpf_htons(5353)))
			return TC_ACT_SHOT;
		if (rewrite_daddr(skb, old_addr, new_addr))
			return TC_ACT_SHOT;
		skb->mark = 0x100 | IPPROTO_UDP;
		break;
	}
	case IPPROTO_ICMP:
		if (rewrite_daddr(skb, old_addr, bpf_htonl(ICMP_BACKEND)))
			return TC_ACT_SHOT;
		skb->mark = 0x100 | IPPROTO_ICMP;
		break;
	default:
		break;
	}
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
