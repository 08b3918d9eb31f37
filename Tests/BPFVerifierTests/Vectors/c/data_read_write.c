// what: reads and updates an initialised global (.data)
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

__u32 last_len = 7;
SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 prev = last_len;
	last_len = skb->len;
	return prev & 1;
}
