// what: a 4-round loop incrementing an array counter per round, its key stored to the stack each round: the store into fresh stack ends every mispredicted path at its barrier
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } cnt SEC(".maps");
char _license[] SEC("license") = "GPL";
SEC("tc") int prog(struct __sk_buff *skb)
{
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 4; i++) {
		__u32 key = i;
		__u64 *v = bpf_map_lookup_elem(&cnt, &key);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return TC_ACT_OK;
}
