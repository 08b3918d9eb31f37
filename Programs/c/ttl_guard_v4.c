// ttl_guard_v4: a tc program compiled with -mcpu=v4 (signed loads, movsx, bswap, sdiv,
// 32-bit jumps). Drops IPv4 packets whose TTL is below 2 or whose IP total length
// disagrees with the frame; marks the rest with a hash bucket of the source address.
#include "skbpf.h"

SEC("tc")
int ttl_guard_v4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;

	// Signed arithmetic on purpose: a TTL of 0 or 1 makes `hops_left` <= 0.
	__s8 hops_left = (__s8)ip->ttl - 1;
	if (hops_left <= 0)
		return TC_ACT_SHOT;

	__s32 slack = (__s32)(skb->len - ETH_HLEN) - (__s32)bpf_ntohs(ip->tot_len);
	if (slack < 0)
		return TC_ACT_SHOT;

	__s64 bucket = (__s64)(__s32)bpf_ntohl(ip->saddr) / -7;
	skb->mark = (__u32)(bucket % 16) + (__u32)hops_left;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
