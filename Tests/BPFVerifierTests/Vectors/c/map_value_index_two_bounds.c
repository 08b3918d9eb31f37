// what: a map value indexed by skb->len & 15 or, when skb->mark is set, by skb->priority & 7: two paths need two different Spectre masks for one instruction
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u8[16]); } bytes SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&bytes, &key);
	if (!v)
		return TC_ACT_OK;
	__u32 i = skb->len & 15;
	if (skb->mark)
		i = skb->priority & 7;
	return v[i];
}
