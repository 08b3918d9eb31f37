// tail_dispatch: a tc dispatcher that tail-calls a handler per IP protocol.
// `tail_dispatch` (section "tc") parses Ethernet + IPv4 (or IPv6, fixed header), leaves the
// protocol in cb[0] and the L4 header offset in cb[1] (the control block travels with the
// packet into the tail-called program), then bpf_tail_call()s slot <protocol> of the prog
// array `handlers`. The slots are filled at load time from the map's `__array(values, ...)`
// initialiser, as libbpf does:
//   slot 1  (ICMP) handle_icmp: echo request mark 0x108, other ICMP 0x100
//   slot 6  (TCP)  handle_tcp:  drops port 23 (telnet); mark 0x601 for a SYN without ACK,
//                  0x600 otherwise
//   slot 17 (UDP)  handle_udp:  drops port 1900 (SSDP); mark 0x1100 | the low byte of the
//                  destination port
// The handlers are programs of their own, all three in section "classifier" (sched_cls, like
// the dispatcher: a prog array only takes programs of its owner's type); select one with
// --program. Both section names are ones libbpf 1.x knows.
// A tail call into an empty slot returns to the dispatcher, which then sets mark 0xff and
// passes (so does a loader that ignores the initialiser). Non-IP frames pass with nothing set.
#include "skbpf.h"

#define MAX_L4_OFFSET (ETH_HLEN + 60)

static __always_inline void *l4_header(struct __sk_buff *skb, __u32 size)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 offset = skb->cb[1];
	if (offset > MAX_L4_OFFSET)
		return NULL;
	void *l4 = data + offset;
	if (l4 + size > data_end)
		return NULL;
	return l4;
}

SEC("classifier")
int handle_icmp(struct __sk_buff *skb)
{
	struct icmphdr *icmp = l4_header(skb, sizeof(*icmp));
	if (!icmp)
		return TC_ACT_OK;
	skb->mark = icmp->type == ICMP_ECHO ? 0x108 : 0x100;
	return TC_ACT_OK;
}

SEC("classifier")
int handle_tcp(struct __sk_buff *skb)
{
	struct tcphdr *tcp = l4_header(skb, sizeof(*tcp));
	if (!tcp)
		return TC_ACT_OK;
	if (tcp->dest == bpf_htons(23))
		return TC_ACT_SHOT;
	skb->mark = (tcp->syn && !tcp->ack) ? 0x601 : 0x600;
	return TC_ACT_OK;
}

SEC("classifier")
int handle_udp(struct __sk_buff *skb)
{
	struct udphdr *udp = l4_header(skb, sizeof(*udp));
	if (!udp)
		return TC_ACT_OK;
	__u16 port = bpf_ntohs(udp->dest);
	if (port == 1900)
		return TC_ACT_SHOT;
	skb->mark = 0x1100 | (port & 0xff);
	return TC_ACT_OK;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 256);
	__uint(key_size, sizeof(__u32));
	// libbpf implies the 4-byte value (a program fd) from `values`; say it for simpler loaders.
	__uint(value_size, sizeof(__u32));
	__array(values, int(struct __sk_buff *));
} handlers SEC(".maps") = {
	.values =
		{
			[IPPROTO_ICMP] = (void *)&handle_icmp,
			[IPPROTO_TCP] = (void *)&handle_tcp,
			[IPPROTO_UDP] = (void *)&handle_udp,
		},
};

SEC("tc")
int tail_dispatch(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	__u32 protocol, l4_offset;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end || ip->ihl < 5)
			return TC_ACT_OK;
		protocol = ip->protocol;
		l4_offset = ETH_HLEN + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_OK;
		protocol = ip6->nexthdr;
		l4_offset = ETH_HLEN + sizeof(*ip6);
	} else {
		return TC_ACT_OK;
	}
	skb->cb[0] = protocol;
	skb->cb[1] = l4_offset;
	bpf_tail_call(skb, &handlers, protocol);
	skb->mark = 0xff;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
