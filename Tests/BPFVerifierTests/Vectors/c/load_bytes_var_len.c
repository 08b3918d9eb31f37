// what: bpf_skb_load_bytes with a length clamped to 1..32 into a 32-byte zeroed buffer
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u8 b[32] = {};
	__u32 n = skb->len;
	if (n < 1 || n > 32)
		return 0;
	bpf_skb_load_bytes(skb, 0, b, n);
	return b[0];
}
