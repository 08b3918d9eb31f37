// drop_icmp: a tc program that drops IPv4 ICMP (TC_ACT_SHOT) and passes everything else
// (TC_ACT_OK). Parses IPv4 behind an Ethernet header or at data (TUN, L3 hooks), with the
// bounds checks the verifier demands.
#include "skbpf.h"

SEC("tc")
int drop_icmp(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	/* At an Ethernet device's tc hook or on a TUN device / at an L3 hook alike. */
	int offset = network_offset(skb);
	if (offset < 0 || skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct iphdr *ip = data + offset;
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (ip->protocol == IPPROTO_ICMP)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
