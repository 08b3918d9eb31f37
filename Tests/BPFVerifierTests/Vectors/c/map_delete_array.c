// what: calls bpf_map_delete_elem on an array map
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	bpf_map_delete_elem(&amap, &key);
	return 0;
}
