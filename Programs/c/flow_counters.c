// flow_counters: per-flow packet and byte counters, a tc program that never drops.
// IPv4 packets are counted in the BTF-defined hash map `flows`, keyed by the 5-tuple
// (addresses and protocol; ports for TCP and UDP, 0 otherwise and for non-first
// fragments), with {packets, bytes (skb->len)} as the value. A new flow is inserted with
// BPF_NOEXIST; an existing one is updated with atomic adds. Frames that are not IPv4 count
// in the one-slot array `other` instead. Always TC_ACT_OK.
#include "skbpf.h"

struct flow_key {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 protocol;
	__u8 pad[3];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flow_stats);
} other SEC(".maps");

static __always_inline void count(struct flow_stats *stats, __u64 bytes)
{
	__sync_fetch_and_add(&stats->packets, 1);
	__sync_fetch_and_add(&stats->bytes, bytes);
}

SEC("tc")
int flow_counters(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u64 bytes = skb->len;

	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5) {
		__u32 zero = 0;
		struct flow_stats *stats = bpf_map_lookup_elem(&other, &zero);
		if (stats)
			count(stats, bytes);
		return TC_ACT_OK;
	}

	// The padding is part of the key's bytes: zero all of it.
	struct flow_key key;
	__builtin_memset(&key, 0, sizeof(key));
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.protocol = ip->protocol;
	if ((ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) && !(ip->frag_off & bpf_htons(IP_OFFSET))) {
		__be16 *ports = (void *)ip + ip->ihl * 4;
		if ((void *)(ports + 2) <= data_end) {
			key.sport = ports[0];
			key.dport = ports[1];
		}
	}

	struct flow_stats *stats = bpf_map_lookup_elem(&flows, &key);
	if (stats) {
		count(stats, bytes);
		return TC_ACT_OK;
	}
	struct flow_stats fresh = {.packets = 1, .bytes = bytes};
	if (bpf_map_update_elem(&flows, &key, &fresh, BPF_NOEXIST) == 0)
		return TC_ACT_OK;
	// Another CPU inserted the flow between the lookup and the update.
	stats = bpf_map_lookup_elem(&flows, &key);
	if (stats)
		count(stats, bytes);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
