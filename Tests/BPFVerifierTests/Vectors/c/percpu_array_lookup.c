// what: increments a per-CPU array counter after a NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } pcpu SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&pcpu, &key);
	if (v)
		*v += skb->len;
	return 0;
}
