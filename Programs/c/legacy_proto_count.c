// legacy_proto_count: packet counters per IP protocol in a map declared the old way, a
// `struct bpf_map_def` in the "maps" section (as iproute2 and bcc-era loaders read it)
// instead of a BTF-described ".maps" entry. Slot <protocol> of the 256-entry array
// `proto_packets` counts IPv4 packets by protocol and IPv6 packets by next header;
// slot 255 (reserved) counts everything else. Always TC_ACT_OK; cb[0] = the slot used.
#include "skbpf.h"

#define OTHER_SLOT 255

struct bpf_map_def SEC("maps") proto_packets = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
};

SEC("classifier")
int legacy_proto_count(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	__u32 slot = OTHER_SLOT;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) <= data_end) {
		if (eth->h_proto == bpf_htons(ETH_P_IP)) {
			struct iphdr *ip = (void *)(eth + 1);
			if ((void *)(ip + 1) <= data_end)
				slot = ip->protocol;
		} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
			struct ipv6hdr *ip6 = (void *)(eth + 1);
			if ((void *)(ip6 + 1) <= data_end)
				slot = ip6->nexthdr;
		}
	}
	__u64 *count = bpf_map_lookup_elem(&proto_packets, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	skb->cb[0] = slot;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
