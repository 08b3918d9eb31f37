// rate_limit: a token-bucket rate limiter per IPv4 source address (tc).
// Each source gets a bucket in the LRU hash `rate_buckets` (least recently seen sources are
// evicted when it is full): BURST tokens to start with, refilled at RATE_PPS tokens per
// second from bpf_ktime_get_ns(). A packet takes one token; with none left it is dropped
// (TC_ACT_SHOT), otherwise it passes (TC_ACT_OK). cb[0] = tokens left after the decision.
// Refill happens only when the clock has moved past the bucket's `last_ns`, and advances it
// by whole tokens, so a bucket pre-set with last_ns in the future (--map-set) is never
// refilled: handy for deterministic tests. Non-IPv4 traffic is not limited.
#include "skbpf.h"

#define RATE_PPS 100
#define BURST 10
#define NS_PER_TOKEN (1000000000ULL / RATE_PPS)

struct bucket {
	__u64 tokens;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __be32);
	__type(value, struct bucket);
} rate_buckets SEC(".maps");

SEC("tc")
int rate_limit(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	__be32 source = ip->saddr;
	__u64 now = bpf_ktime_get_ns();
	struct bucket *b = bpf_map_lookup_elem(&rate_buckets, &source);
	if (!b) {
		struct bucket fresh = {.tokens = BURST - 1, .last_ns = now};
		bpf_map_update_elem(&rate_buckets, &source, &fresh, BPF_ANY);
		skb->cb[0] = fresh.tokens;
		return TC_ACT_OK;
	}

	__u64 tokens = b->tokens;
	if (now > b->last_ns) {
		__u64 earned = (now - b->last_ns) / NS_PER_TOKEN;
		if (earned >= BURST) {
			tokens = BURST;
			b->last_ns = now;
		} else if (earned > 0) {
			tokens += earned;
			b->last_ns += earned * NS_PER_TOKEN;
		}
		if (tokens > BURST)
			tokens = BURST;
	}
	if (tokens == 0) {
		b->tokens = 0;
		skb->cb[0] = 0;
		return TC_ACT_SHOT;
	}
	b->tokens = tokens - 1;
	skb->cb[0] = tokens - 1;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
