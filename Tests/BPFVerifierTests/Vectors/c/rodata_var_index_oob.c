// what: indexes a 4-entry const global table with skb->len & 7
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

const volatile __u32 table[4] = {1, 2, 3, 4};
SEC("tc") int prog(struct __sk_buff *skb)
{
	return table[skb->len & 7];
}
