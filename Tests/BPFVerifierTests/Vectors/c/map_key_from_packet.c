// what: uses 4 bytes of the bounds-checked packet as the lookup key
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	if (data + 4 > end)
		return 0;
	__u64 *v = bpf_map_lookup_elem(&hmap, data);
	return v ? (int)*v : 0;
}
