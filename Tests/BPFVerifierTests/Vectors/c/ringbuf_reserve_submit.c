// what: reserves a record, writes it and submits it
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u64 *r = bpf_ringbuf_reserve(&ring, 8, 0);
	if (!r)
		return 0;
	*r = skb->len;
	bpf_ringbuf_submit(r, 0);
	return 0;
}
