// mark_by_port: a tc program that classifies TCP and UDP by destination port into
// skb->mark (the port itself) and skb->priority (a traffic class: 6 ssh, 4 dns, 2 web,
// 0 anything else), for IPv4 and IPv6 (fixed header only). Every packet passes (TC_ACT_OK);
// packets that are not TCP/UDP keep mark and priority untouched.
#include "skbpf.h"

#define PRIO_SSH 6
#define PRIO_DNS 4
#define PRIO_WEB 2
#define PRIO_BULK 0

static __always_inline __u32 priority_for(__u16 port)
{
	switch (port) {
	case 22:
		return PRIO_SSH;
	case 53:
		return PRIO_DNS;
	case 80:
	case 443:
	case 8080:
		return PRIO_WEB;
	default:
		return PRIO_BULK;
	}
}

SEC("tc")
int mark_by_port(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;

	void *l4;
	__u8 protocol;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end || ip->ihl < 5)
			return TC_ACT_OK;
		// Only the first fragment carries the ports.
		if (ip->frag_off & bpf_htons(IP_OFFSET))
			return TC_ACT_OK;
		protocol = ip->protocol;
		l4 = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_OK;
		protocol = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return TC_ACT_OK;
	}
	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return TC_ACT_OK;

	// TCP and UDP both start with the source and destination ports.
	__be16 *ports = l4;
	if ((void *)(ports + 2) > data_end)
		return TC_ACT_OK;
	__u16 dport = bpf_ntohs(ports[1]);
	skb->mark = dport;
	skb->priority = priority_for(dport);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
