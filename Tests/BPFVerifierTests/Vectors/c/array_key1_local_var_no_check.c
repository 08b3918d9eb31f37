// what: plain C: array lookup with a local key = 1 (clang stores it at fp-4, not a spill), value read without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } counters SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 1;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);
	return *value & 1;
}
