// what: sums the first 16 packet bytes with a per-byte bounds check in a bounded loop
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 sum = 0;
	for (int i = 0; i < 16; i++) {
		if (data + i + 1 > end)
			break;
		sum += data[i];
	}
	return sum;
}
