// classifier: a 5-tuple filter for tc. Parses IPv4 (with options) / TCP or UDP, behind an Ethernet
// header or at data (TUN devices, L3 hooks),
// and drops (TC_ACT_SHOT) packets
//   - from the source networks 192.0.2.0/24 and 198.51.100.0/24 (documentation nets), or
//   - to TCP ports 23, 135-139, 445, 3389 or UDP ports 69, 161, 1900;
// everything else passes (TC_ACT_OK). Accepted packets get skb->mark = 1 for TCP, 2 for UDP.
#include "skbpf.h"

static __always_inline int blocked_source(__be32 saddr)
{
	__u32 host = bpf_ntohl(saddr);
	return (host & 0xffffff00) == 0xc0000200 || (host & 0xffffff00) == 0xc6336400;
}

static __always_inline int blocked_tcp_port(__u16 port)
{
	switch (port) {
	case 23:
	case 445:
	case 3389:
		return 1;
	default:
		return port >= 135 && port <= 139;
	}
}

static __always_inline int blocked_udp_port(__u16 port)
{
	return port == 69 || port == 161 || port == 1900;
}

SEC("tc")
int classifier(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	/* At an Ethernet device's tc hook or on a TUN device / at an L3 hook alike. */
	int offset = network_offset(skb);
	if (offset < 0 || skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct iphdr *ip = data + offset;
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (blocked_source(ip->saddr))
		return TC_ACT_SHOT;

	__u32 ihl = ip->ihl * 4;
	if (ihl < sizeof(*ip))
		return TC_ACT_SHOT;
	// Fragments after the first carry no L4 header.
	if (ip->frag_off & bpf_htons(0x1fff))
		return TC_ACT_OK;
	void *l4 = (void *)ip + ihl;

	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > data_end)
			return TC_ACT_OK;
		if (blocked_tcp_port(bpf_ntohs(tcp->dest)))
			return TC_ACT_SHOT;
		skb->mark = 1;
	} else if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = l4;
		if ((void *)(udp + 1) > data_end)
			return TC_ACT_OK;
		if (blocked_udp_port(bpf_ntohs(udp->dest)))
			return TC_ACT_SHOT;
		skb->mark = 2;
	}
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
