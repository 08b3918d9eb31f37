// payload_scan: a tc program with a bounded loop the verifier accepts: it scans the first
// 256 bytes of a TCP or UDP payload (IPv4) for the 4-byte signature "EVIL". A match drops
// the packet (TC_ACT_SHOT) with skb->mark = 1 + the signature's offset in the payload;
// no match passes (TC_ACT_OK). Either way cb[0] = the number of positions examined
// (including the matching one). Bytes past the 256-byte window are never looked at.
#include "skbpf.h"

#define SCAN_LIMIT 256

SEC("tc")
int payload_scan(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5)
		return TC_ACT_OK;
	if (ip->frag_off & bpf_htons(IP_OFFSET))
		return TC_ACT_OK;

	__u8 *payload;
	void *l4 = (void *)ip + ip->ihl * 4;
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > data_end || tcp->doff < 5)
			return TC_ACT_OK;
		payload = l4 + tcp->doff * 4;
	} else if (ip->protocol == IPPROTO_UDP) {
		payload = l4 + sizeof(struct udphdr);
	} else {
		return TC_ACT_OK;
	}

	__u32 examined = 0;
	int verdict = TC_ACT_OK;
	for (__u32 i = 0; i < SCAN_LIMIT; i++) {
		__u8 *p = payload + i;
		if ((void *)(p + 4) > data_end)
			break;
		examined++;
		if (p[0] == 'E' && p[1] == 'V' && p[2] == 'I' && p[3] == 'L') {
			skb->mark = i + 1;
			verdict = TC_ACT_SHOT;
			break;
		}
	}
	// One store for both outcomes: clang would otherwise merge the two paths' different
	// ctx stores into one through a computed address, which the verifier refuses.
	skb->cb[0] = examined;
	return verdict;
}

char _license[] SEC("license") = "GPL";
