// tcp80_ldabs: a socket filter in the classic-BPF style, written with the legacy packet
// loads LD_ABS / LD_IND (load_byte/load_half from skbpf.h, LLVM intrinsics): it accepts
// IPv4 TCP segments to port 80 whole (returns skb->len) and drops everything else
// (returns 0), like `tcpdump 'ip and tcp dst port 80'`. Offsets are relative to the
// network header, where a socket filter's data starts. A load past the end of the
// packet ends the program with 0 (the legacy instructions' rule).
#include "skbpf.h"

SEC("socket")
int tcp80_ldabs(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (load_byte(skb, offsetof(struct iphdr, protocol)) != IPPROTO_TCP)
		return 0;
	// Non-first fragments have no TCP header.
	if (load_half(skb, offsetof(struct iphdr, frag_off)) & IP_OFFSET)
		return 0;
	__u32 ihl = (load_byte(skb, 0) & 0x0f) * 4;
	if (load_half(skb, ihl + offsetof(struct tcphdr, dest)) != 80)
		return 0;
	return skb->len;
}

char _license[] SEC("license") = "GPL";
