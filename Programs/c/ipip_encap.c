// ipip_encap: a tc tunnel entry point. IPv4 TCP packets to port 22 are wrapped in an outer
// IPv4 header (IP-in-IP, protocol 4) from 192.168.100.1 to 192.168.100.2 and redirected to
// interface 1 (lo) with bpf_redirect, which returns TC_ACT_REDIRECT (7); skb->mark = 4.
// bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) opens 20
// zeroed bytes right after the Ethernet header, then bpf_skb_store_bytes writes the outer
// header (checksum computed here; the outer DF and TTL 64). The EtherType stays IPv4.
// Everything else passes (TC_ACT_OK) untouched.
#include "skbpf.h"

#define TUNNEL_SRC 0xc0a86401 /* 192.168.100.1 */
#define TUNNEL_DST 0xc0a86402 /* 192.168.100.2 */
#define TUNNEL_IFINDEX 1
#define IPPROTO_IPIP 4

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
int ipip_encap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	struct iphdr *inner = (void *)(eth + 1);
	if ((void *)(inner + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || inner->ihl < 5)
		return TC_ACT_OK;
	if (inner->protocol != IPPROTO_TCP || (inner->frag_off & bpf_htons(IP_OFFSET)))
		return TC_ACT_OK;
	struct tcphdr *tcp = (void *)inner + inner->ihl * 4;
	if ((void *)(tcp + 1) > data_end || tcp->dest != bpf_htons(22))
		return TC_ACT_OK;

	struct iphdr outer = {
		.version = 4,
		.ihl = 5,
		.tos = inner->tos,
		.tot_len = bpf_htons(bpf_ntohs(inner->tot_len) + sizeof(struct iphdr)),
		.id = 0,
		.frag_off = bpf_htons(IP_DF),
		.ttl = 64,
		.protocol = IPPROTO_IPIP,
		.check = 0,
		.saddr = bpf_htonl(TUNNEL_SRC),
		.daddr = bpf_htonl(TUNNEL_DST),
	};
	outer.check = ipv4_header_checksum(&outer);

	if (bpf_skb_adjust_room(skb, sizeof(outer), BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, ETH_HLEN, &outer, sizeof(outer), 0))
		return TC_ACT_SHOT;
	skb->mark = IPPROTO_IPIP;
	return bpf_redirect(TUNNEL_IFINDEX, 0);
}

char _license[] SEC("license") = "GPL";
