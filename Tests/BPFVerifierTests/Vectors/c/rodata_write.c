// what: writes to a const global (.rodata, frozen read-only for programs)
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

const volatile __u32 limit = 100;
SEC("tc") int prog(struct __sk_buff *skb)
{
	*(volatile __u32 *)&limit = skb->len;
	return 0;
}
