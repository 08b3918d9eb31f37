// what: a bounded loop over up to 8 packet bytes with a data_end check each round
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *end = (__u8 *)(long)skb->data_end;
	__u32 sum = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 8; i++) {
		if (data + i + 1 > end)
			break;
		sum += data[i];
	}
	return sum & 1;
}
