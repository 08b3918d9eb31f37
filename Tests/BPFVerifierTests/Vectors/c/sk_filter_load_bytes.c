// what: a socket filter copies packet bytes with bpf_skb_load_bytes
// type: socket_filter
// section: socket

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("socket") int prog(struct __sk_buff *skb)
{
	__u32 w;
	if (bpf_skb_load_bytes(skb, 0, &w, 4) < 0)
		return 0;
	return w & 0xffff;
}
