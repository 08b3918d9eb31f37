// what: calls bpf_map_lookup_elem on a ring buffer
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&ring, &key) ? 1 : 0;
}
