// what: a 16-round loop summing a map value's bytes by index (not unrolled): an unprivileged loader needs one pointer mask for every round
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
	int sum = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 16; i++)
		sum += v[i];
	return sum & 1;
}
