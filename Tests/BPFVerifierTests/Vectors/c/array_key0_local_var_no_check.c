// what: plain C: array lookup with a local key = 0 (zero bytes on the stack), counter incremented without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } counters SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);
	__sync_fetch_and_add(value, 1);
	return TC_ACT_OK;
}
