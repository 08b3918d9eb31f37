// what: only a signed i <= 63 check on a signed index: negative values remain
// type: tc

#include "skbpf.h"

struct val64 { __u8 b[64]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val64); } buf SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct val64 *v = bpf_map_lookup_elem(&buf, &key);
	if (!v)
		return 0;
	int i = (int)bpf_get_prandom_u32();
	if (i > 63)
		return 0;
	return v->b[i];
}
