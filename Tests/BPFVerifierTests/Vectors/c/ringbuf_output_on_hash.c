// what: passes a hash map to bpf_ringbuf_output
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u64 x = skb->len;
	bpf_ringbuf_output(&hmap, &x, sizeof(x), 0);
	return 0;
}
