// what: bpf_ringbuf_output of 8 initialised stack bytes
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u64 x = skb->len;
	bpf_ringbuf_output(&ring, &x, sizeof(x), 0);
	return 0;
}
