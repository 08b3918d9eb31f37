// payload_hash: the "bounded loop" benchmark kind: a tc program that hashes up to 256
// payload bytes with 32-bit FNV-1a, byte by byte, in a loop the verifier can bound.
// The payload is what follows the TCP, UDP or ICMP header of an IPv4 packet (first
// fragments only). skb->mark = the hash (the FNV offset basis 0x811c9dc5 for an empty
// payload), cb[0] = the number of bytes hashed. Non-IPv4 and other protocols pass with
// nothing set. Always TC_ACT_OK.
#include "skbpf.h"

#define HASH_LIMIT 256
#define FNV32_OFFSET_BASIS 0x811c9dc5u
#define FNV32_PRIME 0x01000193u

SEC("tc")
int payload_hash(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5)
		return TC_ACT_OK;
	if (ip->frag_off & bpf_htons(IP_OFFSET))
		return TC_ACT_OK;

	__u8 *payload;
	void *l4 = (void *)ip + ip->ihl * 4;
	switch (ip->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > data_end || tcp->doff < 5)
			return TC_ACT_OK;
		payload = l4 + tcp->doff * 4;
		break;
	}
	case IPPROTO_UDP:
		payload = l4 + sizeof(struct udphdr);
		break;
	case IPPROTO_ICMP:
		payload = l4 + sizeof(struct icmphdr);
		break;
	default:
		return TC_ACT_OK;
	}

	__u32 hash = FNV32_OFFSET_BASIS;
	__u32 n = 0;
	for (__u32 i = 0; i < HASH_LIMIT; i++) {
		__u8 *p = payload + i;
		if ((void *)(p + 1) > data_end)
			break;
		hash = (hash ^ *p) * FNV32_PRIME;
		n++;
	}
	skb->mark = hash;
	skb->cb[0] = n;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
