// vlan_push_pop: a tc program that moves frames between an untagged and a tagged
// (provider-bridged, QinQ) network.
//  - Tagged frame (802.1Q or 802.1ad in the packet): bpf_skb_vlan_pop until no tag is left.
//    The first pop takes the outer tag out of the packet; if another tag follows, the kernel
//    moves it into the skb's VLAN metadata (vlan_present/vlan_tci), which the second pop
//    clears. skb->mark = 0x10000 | outer VID, cb[1] = inner VID (0 if none).
//  - Untagged IPv4/IPv6 frame: bpf_skb_vlan_push twice, C-tag 802.1Q VID 100 (PCP 3) then
//    S-tag 802.1ad VID 200. The first tag goes into the VLAN metadata; pushing the second
//    writes the first into the packet and keeps the new one as metadata, so the bytes out
//    carry the 802.1Q tag. skb->mark = the metadata TCI read back (200), cb[1] = the
//    metadata protocol (0xa888, network order as a little-endian u32).
//  - Anything else (ARP, ...) passes untouched.
// cb[0] = the OR of the helpers' return values (0 when all succeeded). Always TC_ACT_OK.
#include "skbpf.h"

#define C_TAG_TCI ((3 << VLAN_PRIO_SHIFT) | 100)
#define S_TAG_TCI 200

SEC("tc")
int vlan_push_pop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	__be16 proto = eth->h_proto;

	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *tag = (void *)(eth + 1);
		if ((void *)(tag + 1) > data_end)
			return TC_ACT_OK;
		__u16 outer_vid = bpf_ntohs(tag->h_vlan_TCI) & VLAN_VID_MASK;
		long err = bpf_skb_vlan_pop(skb);
		__u32 inner_vid = 0;
		if (skb->vlan_present) {
			inner_vid = skb->vlan_tci & VLAN_VID_MASK;
			err |= bpf_skb_vlan_pop(skb);
		}
		skb->mark = 0x10000 | outer_vid;
		skb->cb[0] = err;
		skb->cb[1] = inner_vid;
		return TC_ACT_OK;
	}

	if (proto != bpf_htons(ETH_P_IP) && proto != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	long err = bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), C_TAG_TCI);
	err |= bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), S_TAG_TCI);
	skb->mark = skb->vlan_present ? skb->vlan_tci : 0;
	skb->cb[0] = err;
	skb->cb[1] = skb->vlan_proto;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
