// what: bpf_map_update_elem with initialised key and value
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = skb->mark;
	__u64 val = skb->len;
	bpf_map_update_elem(&hmap, &key, &val, BPF_ANY);
	return 0;
}
