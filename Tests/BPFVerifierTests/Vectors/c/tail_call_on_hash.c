// what: bpf_tail_call with a hash map instead of a program array
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &hmap, 1);
	return 0;
}
