// port_filter: a tc program built from bpf-to-bpf calls. The parsing helpers are real
// functions (noinline) that end up in .text and are reached with `call` (src = 1):
// drops TCP and UDP packets whose destination port is below 1024, except 22, 53, 80 and 443.
#include "skbpf.h"

// Returns the offset of the L4 header, or -1 if the packet is not IPv4 carrying `protocol`.
static __noinline int l4_offset(struct __sk_buff *skb, __u8 protocol)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != protocol || ip->ihl < 5)
		return -1;
	return sizeof(*eth) + ip->ihl * 4;
}

static __noinline int allowed_port(__u32 port)
{
	if (port >= 1024)
		return 1;
	return port == 22 || port == 53 || port == 80 || port == 443;
}

SEC("tc")
int port_filter(struct __sk_buff *skb)
{
	int offset = l4_offset(skb, IPPROTO_TCP);
	if (offset < 0)
		offset = l4_offset(skb, IPPROTO_UDP);
	if (offset < 0 || offset > 60 + ETH_HLEN)
		return TC_ACT_OK;

	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	// TCP and UDP both keep the destination port at bytes 2-3 of their header.
	__be16 *ports = data + offset;
	if ((void *)(ports + 2) > data_end)
		return TC_ACT_OK;
	return allowed_port(bpf_ntohs(ports[1])) ? TC_ACT_OK : TC_ACT_SHOT;
}

char _license[] SEC("license") = "GPL";
