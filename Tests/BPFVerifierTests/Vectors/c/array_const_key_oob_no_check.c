// what: array-map lookup with constant key 4 (max_entries 4), dereferenced without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 4;
	__u64 *v = bpf_map_lookup_elem(&amap, &key);
	return *v;
}
