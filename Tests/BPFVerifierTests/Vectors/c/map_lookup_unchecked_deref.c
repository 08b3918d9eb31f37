// what: dereferences a hash-map lookup result without a NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = skb->mark;
	__u64 *v = bpf_map_lookup_elem(&hmap, &key);
	return *v;
}
