// pad_short_frames: a tc program that pads frames shorter than the Ethernet minimum
// (60 bytes without the FCS) with zeros using bpf_skb_change_tail, as a driver for
// hardware that does not pad would need. skb->mark = the original length of a padded
// frame; cb[0] = the helper's return value. Frames of 60 bytes or more pass untouched.
// Always TC_ACT_OK.
#include "skbpf.h"

#define ETH_ZLEN 60

SEC("tc")
int pad_short_frames(struct __sk_buff *skb)
{
	__u32 len = skb->len;
	if (len >= ETH_ZLEN)
		return TC_ACT_OK;
	skb->cb[0] = bpf_skb_change_tail(skb, ETH_ZLEN, 0);
	skb->mark = len;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
