// what: a 5-round hash mixing loop with no memory access: an unprivileged loader's mispredicted loop exit runs on with an unknown counter
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";
SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 h = skb->len;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 5; i++)
		h = h * 31 + i;
	return h & 1;
}
