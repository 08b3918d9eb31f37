// what: an i <= 64 check lets the index reach one byte past a 64-byte map value
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
	__u32 i = skb->len;
	if (i > 64)
		return 0;
	return v->b[i];
}
