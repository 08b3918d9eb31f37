// what: a loop of up to 6 bpf_skb_load_bytes calls into a 4-byte buffer initialised before it: the stores are into misc bytes after the first round, so nothing stops the mispredicted exit path of an unprivileged loader
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";
SEC("tc") int prog(struct __sk_buff *skb)
{
	__u8 buf[4] = {};
	__u32 sum = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++) {
		if (bpf_skb_load_bytes(skb, i * 4, buf, sizeof(buf)))
			break;
		sum += buf[0] ^ buf[3];
	}
	return sum & 1;
}
