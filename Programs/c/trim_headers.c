// trim_headers: a socket filter (section "socket") that keeps only the headers of each
// packet: it returns the number of bytes to keep, IP header + TCP/UDP/ICMP header, so a
// packet socket with this filter sees headers without payload (like tcpdump -s).
// A socket filter's data starts at the network header and it has no direct packet access:
// everything is read with bpf_skb_load_bytes. IPv4 (with options; non-first fragments keep
// just the IP header) and IPv6 (fixed header, then TCP/UDP/ICMPv6) are understood; an
// unknown L4 protocol keeps the IP header; a header cut short keeps the whole packet;
// non-IP packets are dropped (return 0).
#include "skbpf.h"

SEC("socket")
int trim_headers(struct __sk_buff *skb)
{
	__u32 l3_len;
	__u8 protocol;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return skb->len;
		if (ip.ihl < 5)
			return 0;
		l3_len = ip.ihl * 4;
		if (ip.frag_off & bpf_htons(IP_OFFSET))
			return l3_len;
		protocol = ip.protocol;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return skb->len;
		l3_len = sizeof(ip6);
		protocol = ip6.nexthdr;
	} else {
		return 0;
	}

	__u32 l4_len;
	switch (protocol) {
	case IPPROTO_TCP: {
		// The data offset is the high nibble of byte 12 of the TCP header.
		__u8 doff_byte;
		if (bpf_skb_load_bytes(skb, l3_len + 12, &doff_byte, 1))
			return skb->len;
		l4_len = (doff_byte >> 4) * 4;
		if (l4_len < sizeof(struct tcphdr))
			return l3_len;
		break;
	}
	case IPPROTO_UDP:
		l4_len = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4_len = sizeof(struct icmphdr);
		break;
	default:
		return l3_len;
	}
	__u32 keep = l3_len + l4_len;
	return keep < skb->len ? keep : skb->len;
}

char _license[] SEC("license") = "GPL";
