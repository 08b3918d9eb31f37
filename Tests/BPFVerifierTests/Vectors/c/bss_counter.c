// what: increments a zero-initialised global (.bss)
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

__u64 packets;
SEC("tc") int prog(struct __sk_buff *skb)
{
	packets++;
	return 0;
}
