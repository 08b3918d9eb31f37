// nat64: stateless IPv6 -> IPv4 translation (RFC 7915) of packets addressed to the NAT64
// prefix 64:ff9b::/96, in the style of the kernel's own change_proto tests:
//   1. read the IPv6 header and the L4 checksum inputs while packet pointers are valid;
//   2. bpf_skb_change_proto(skb, ETH_P_IP, 0): the kernel removes 20 bytes of header room
//      after the MAC header and sets skb->protocol;
//   3. bpf_skb_store_bytes: new EtherType and a complete IPv4 header (checksum computed here);
//   4. fix the L4 checksum with bpf_l4_csum_replace and a bpf_csum_diff difference:
//      TCP/UDP keep their pseudo header but its addresses change (BPF_F_PSEUDO_HDR; UDP also
//      BPF_F_MARK_MANGLED_0), ICMPv6 echo becomes ICMP echo (type 128/129 -> 8/0) and loses
//      the pseudo header that ICMPv6 sums and ICMP does not.
// The IPv4 destination is the low 32 bits of the IPv6 destination; the source is the
// translator's pool address 10.64.0.1. Translated packets get skb->mark = 64 and TC_ACT_OK.
// IPv6 packets outside the prefix, with extension headers or other ICMPv6 types, and all
// non-IPv6 traffic pass untouched. A failing helper drops the packet (TC_ACT_SHOT).
#include "skbpf.h"

#define NAT64_PREFIX_WORD0 0x0064ff9b /* 64:ff9b::/96, first 32 bits */
#define NAT64_POOL_ADDR 0x0a400001    /* 10.64.0.1 */

// The RFC 1071 sum over a 20-byte IPv4 header, computed here rather than with a helper so
// that the header is complete before it is written.
static __always_inline __u16 ipv4_header_checksum(struct iphdr *ip)
{
	__u16 *words = (__u16 *)ip;
	__u32 sum = 0;
#pragma unroll
	for (int i = 0; i < (int)(sizeof(*ip) / 2); i++)
		sum += words[i];
	return csum_fold32(sum);
}

SEC("tc")
int nat64(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
		return TC_ACT_OK;
	if (ip6->daddr.in6_u.u6_addr32[0] != bpf_htonl(NAT64_PREFIX_WORD0) || ip6->daddr.in6_u.u6_addr32[1] != 0 ||
	    ip6->daddr.in6_u.u6_addr32[2] != 0)
		return TC_ACT_OK;

	__u8 nexthdr = ip6->nexthdr;
	__u16 payload_len = bpf_ntohs(ip6->payload_len);
	void *l4 = ip6 + 1;
	__u8 protocol;
	__u32 csum_off;		// offset of the L4 checksum field within the L4 header
	__u8 icmp_type = 0, icmp_code = 0;
	switch (nexthdr) {
	case IPPROTO_TCP:
		if (l4 + sizeof(struct tcphdr) > data_end)
			return TC_ACT_OK;
		protocol = IPPROTO_TCP;
		csum_off = offsetof(struct tcphdr, check);
		break;
	case IPPROTO_UDP:
		if (l4 + sizeof(struct udphdr) > data_end)
			return TC_ACT_OK;
		protocol = IPPROTO_UDP;
		csum_off = offsetof(struct udphdr, check);
		break;
	case IPPROTO_ICMPV6: {
		struct icmp6hdr *icmp6 = l4;
		if ((void *)(icmp6 + 1) > data_end)
			return TC_ACT_OK;
		if (icmp6->icmp6_type == ICMPV6_ECHO_REQUEST)
			icmp_type = ICMP_ECHO;
		else if (icmp6->icmp6_type == ICMPV6_ECHO_REPLY)
			icmp_type = ICMP_ECHOREPLY;
		else
			return TC_ACT_OK;
		icmp_code = icmp6->icmp6_code;
		protocol = IPPROTO_ICMP;
		csum_off = offsetof(struct icmphdr, checksum);
		break;
	}
	default:
		return TC_ACT_OK;
	}

	struct iphdr ip4 = {
		.version = 4,
		.ihl = 5,
		.tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4),
		.tot_len = bpf_htons(payload_len + sizeof(struct iphdr)),
		.id = 0,
		.frag_off = bpf_htons(IP_DF),
		.ttl = ip6->hop_limit,
		.protocol = protocol,
		.check = 0,
		.saddr = bpf_htonl(NAT64_POOL_ADDR),
		.daddr = ip6->daddr.in6_u.u6_addr32[3],
	};
	ip4.check = ipv4_header_checksum(&ip4);

	// The L4 checksum difference, as a 32-bit one's-complement sum from bpf_csum_diff.
	__be32 old_words[10];
#pragma unroll
	for (int i = 0; i < 4; i++) {
		old_words[i] = ip6->saddr.in6_u.u6_addr32[i];
		old_words[4 + i] = ip6->daddr.in6_u.u6_addr32[i];
	}
	__s64 diff;
	if (protocol == IPPROTO_ICMP) {
		// ICMPv6 covered the whole pseudo header (RFC 8200 8.1): take all of it out.
		old_words[8] = bpf_htonl(payload_len);
		old_words[9] = bpf_htonl(IPPROTO_ICMPV6);
		diff = bpf_csum_diff(old_words, sizeof(old_words), NULL, 0, 0);
	} else {
		// Same length and protocol in both pseudo headers: only the addresses change.
		__be32 new_words[2] = {ip4.saddr, ip4.daddr};
		diff = bpf_csum_diff(old_words, 8 * sizeof(__be32), new_words, sizeof(new_words), 0);
	}
	if (diff < 0)
		return TC_ACT_SHOT;

	// From here on the packet changes: no packet pointer is used any more.
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		return TC_ACT_SHOT;
	__be16 ethertype = bpf_htons(ETH_P_IP);
	if (bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_proto), &ethertype, sizeof(ethertype), 0))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, ETH_HLEN, &ip4, sizeof(ip4), 0))
		return TC_ACT_SHOT;

	__u32 l4_off = ETH_HLEN + sizeof(struct iphdr);
	if (protocol == IPPROTO_ICMP) {
		if (bpf_skb_store_bytes(skb, l4_off, &icmp_type, sizeof(icmp_type), 0))
			return TC_ACT_SHOT;
		__be16 old_tc = bpf_htons((ICMPV6_ECHO_REQUEST + (icmp_type == ICMP_ECHOREPLY)) << 8 | icmp_code);
		__be16 new_tc = bpf_htons(icmp_type << 8 | icmp_code);
		if (bpf_l4_csum_replace(skb, l4_off + csum_off, old_tc, new_tc, sizeof(new_tc)))
			return TC_ACT_SHOT;
		if (bpf_l4_csum_replace(skb, l4_off + csum_off, 0, diff, 0))
			return TC_ACT_SHOT;
	} else {
		__u64 flags = BPF_F_PSEUDO_HDR | (protocol == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0);
		if (bpf_l4_csum_replace(skb, l4_off + csum_off, 0, diff, flags))
			return TC_ACT_SHOT;
	}
	skb->mark = 64;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
