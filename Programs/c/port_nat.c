// port_nat: stateless 1:1 address-and-port NAT for IPv4 TCP/UDP, driven by two maps the
// pipeline fills: `dnat_rules` rewrites the destination of packets to a service address
// (e.g. 10.200.2.80:80 -> 10.200.2.2:5201), `snat_rules` rewrites the source of the replies back
// (10.200.2.2:5201 -> 10.200.2.80:80), so a TCP connection to the service address works end to
// end. Checksums are updated incrementally with bpf_l3_csum_replace/bpf_l4_csum_replace (which
// keep a CHECKSUM_PARTIAL packet's pseudo-header sum right). Works behind an Ethernet header or
// at an L3 hook / on a TUN device. Keys and values are in network byte order:
//   key   = addr(4) port(2) protocol(1) pad(1)      value = addr(4) port(2) pad(2)
#include "skbpf.h"

struct nat_key {
	__be32 addr;
	__be16 port;
	__u8 protocol;
	__u8 pad;
};

struct nat_target {
	__be32 addr;
	__be16 port;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct nat_key);
	__type(value, struct nat_target);
} dnat_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct nat_key);
	__type(value, struct nat_target);
} snat_rules SEC(".maps");

/* Rewrites the address at ip_off + addr_field and the port at l4_off + port_field to `to`. */
static __always_inline int rewrite(struct __sk_buff *skb, __u32 ip_off, __u32 addr_field, __u32 l4_off,
				   __u32 port_field, __u32 csum_field, __u64 csum_flags, __be32 old_addr,
				   __be16 old_port, struct nat_target *to)
{
	__be32 new_addr = to->addr;
	__be16 new_port = to->port;
	if (bpf_l4_csum_replace(skb, l4_off + csum_field, old_addr, new_addr,
				csum_flags | BPF_F_PSEUDO_HDR | sizeof(new_addr)))
		return -1;
	if (bpf_l4_csum_replace(skb, l4_off + csum_field, old_port, new_port, csum_flags | sizeof(new_port)))
		return -1;
	if (bpf_l3_csum_replace(skb, ip_off + offsetof(struct iphdr, check), old_addr, new_addr, sizeof(new_addr)))
		return -1;
	if (bpf_skb_store_bytes(skb, ip_off + addr_field, &new_addr, sizeof(new_addr), 0))
		return -1;
	return bpf_skb_store_bytes(skb, l4_off + port_field, &new_port, sizeof(new_port), 0) ? -1 : 0;
}

SEC("tc")
int port_nat(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	int offset = network_offset(skb);
	if (offset < 0 || skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = data + offset;
	if ((void *)(ip + 1) > data_end || ip->ihl < 5 || (ip->frag_off & bpf_htons(IP_OFFSET)))
		return TC_ACT_OK;
	__u8 protocol = ip->protocol;
	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	__u32 ip_off = offset;
	__u32 l4_off = ip_off + ip->ihl * 4;
	struct udphdr *ports = (void *)ip + ip->ihl * 4;	/* source and destination port lead both headers */
	if ((void *)(ports + 1) > data_end)
		return TC_ACT_OK;
	__u32 csum_field = protocol == IPPROTO_TCP ? offsetof(struct tcphdr, check) : offsetof(struct udphdr, check);
	if (protocol == IPPROTO_TCP && (void *)ports + sizeof(struct tcphdr) > data_end)
		return TC_ACT_OK;
	/* A UDP checksum of 0 means none: keep it 0 (BPF_F_MARK_MANGLED_0). */
	__u64 csum_flags = protocol == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__be32 saddr = ip->saddr, daddr = ip->daddr;
	__be16 sport = ports->source, dport = ports->dest;

	struct nat_key key = {.addr = daddr, .port = dport, .protocol = protocol};
	struct nat_target *to = bpf_map_lookup_elem(&dnat_rules, &key);
	if (to) {
		if (rewrite(skb, ip_off, offsetof(struct iphdr, daddr), l4_off, offsetof(struct udphdr, dest),
			    csum_field, csum_flags, daddr, dport, to))
			return TC_ACT_SHOT;
		skb->mark = 0x4e;	/* 'N': translated */
		return TC_ACT_OK;
	}
	key.addr = saddr;
	key.port = sport;
	to = bpf_map_lookup_elem(&snat_rules, &key);
	if (to) {
		if (rewrite(skb, ip_off, offsetof(struct iphdr, saddr), l4_off, offsetof(struct udphdr, source),
			    csum_field, csum_flags, saddr, sport, to))
			return TC_ACT_SHOT;
		skb->mark = 0x4e;
	}
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
