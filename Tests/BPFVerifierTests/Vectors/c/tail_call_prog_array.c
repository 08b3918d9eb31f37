// what: bpf_tail_call through a program array
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } progs SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &progs, 1);
	return 0;
}
