// what: writes through a packet pointer obtained before bpf_skb_store_bytes
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	if (data + 14 > end)
		return 0;
	__u16 x = 0;
	bpf_skb_store_bytes(skb, 12, &x, 2, 0);
	*(volatile __u8 *)data = 1;
	return 0;
}
