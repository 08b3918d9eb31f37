// what: reads a const global (.rodata)
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

const volatile __u32 limit = 100;
SEC("tc") int prog(struct __sk_buff *skb)
{
	return skb->len > limit;
}
