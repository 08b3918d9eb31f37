// dns_block: a tc program that drops DNS queries for blocklisted names.
// For IPv4 UDP to port 53 carrying a standard query (QR = 0, opcode 0, at least one
// question) it decodes the first question's name from its wire labels into a lower-case
// dotted string (bounded loop over at most 64 bytes; compression pointers or longer names
// are not blocked) and compares it, 8 bytes at a time, with the entries of `blocklist`, a
// `const volatile` table that lives in .rodata (a loader may rewrite it before loading).
// A match drops the query (TC_ACT_SHOT), counts it in the global `blocked_queries` (.bss),
// sets skb->mark = 1 + the entry's index and logs it with bpf_trace_printk. Everything
// else passes (TC_ACT_OK). Names match exactly, case-insensitively: "blocked.example" and
// "BLOCKED.Example" are blocked, "www.blocked.example" is not.
#include "skbpf.h"

#define DNS_PORT 53
#define NAME_MAX_LEN 64		/* wire bytes examined, and the size of a blocklist entry */
#define NAME_WORDS (NAME_MAX_LEN / 8)
_Static_assert((NAME_MAX_LEN & (NAME_MAX_LEN - 1)) == 0, "indexes are masked with NAME_MAX_LEN - 1");
#define BLOCKLIST_ENTRIES 4

struct dnshdr {
	__be16 id;
	__be16 flags;
	__be16 qdcount;
	__be16 ancount;
	__be16 nscount;
	__be16 arcount;
};

#define DNS_QR 0x8000
#define DNS_OPCODE_MASK 0x7800

// Zero-padded names; an empty entry matches nothing (a name has at least one label).
const volatile char blocklist[BLOCKLIST_ENTRIES][NAME_MAX_LEN] __attribute__((aligned(8))) = {
	"blocked.example",
	"ads.example.net",
	"tracker.example.org",
};

__u64 blocked_queries = 0;

SEC("tc")
int dns_block(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5)
		return TC_ACT_OK;
	if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(IP_OFFSET)))
		return TC_ACT_OK;
	struct udphdr *udp = (void *)ip + ip->ihl * 4;
	struct dnshdr *dns = (void *)(udp + 1);
	if ((void *)(dns + 1) > data_end || udp->dest != bpf_htons(DNS_PORT))
		return TC_ACT_OK;
	if ((dns->flags & bpf_htons(DNS_QR | DNS_OPCODE_MASK)) || dns->qdcount == 0)
		return TC_ACT_OK;

	// Wire form 7"blocked"7"example"0 becomes "blocked.example": byte i of the wire name is
	// character i - 1 of the dotted name, each length byte after the first becoming '.'.
	__u64 name[NAME_WORDS] = {};
	char *chars = (char *)name;
	__u8 *wire = (void *)(dns + 1);
	__u32 label_left = 0;
	int complete = 0;
	for (__u32 i = 0; i < NAME_MAX_LEN; i++) {
		if ((void *)(wire + i + 1) > data_end)
			return TC_ACT_OK;
		__u8 c = wire[i];
		if (label_left == 0) {
			if (c == 0) {
				complete = 1;
				break;
			}
			if (c > 63)	// a compression pointer or a reserved label type
				return TC_ACT_OK;
			if (i > 0)
				chars[(i - 1) & (NAME_MAX_LEN - 1)] = '.';
			label_left = c;
		} else {
			if (c >= 'A' && c <= 'Z')
				c |= 0x20;
			chars[(i - 1) & (NAME_MAX_LEN - 1)] = c;
			label_left--;
		}
	}
	// A complete name has at most NAME_MAX_LEN - 2 characters, so the buffer always ends in
	// zeros and comparing whole zero-padded buffers is an exact match.
	if (!complete)
		return TC_ACT_OK;

	for (__u32 e = 0; e < BLOCKLIST_ENTRIES; e++) {
		const volatile __u64 *entry = (const volatile __u64 *)blocklist[e];
		if (entry[0] == 0)
			continue;
		int same = 1;
		for (__u32 w = 0; w < NAME_WORDS; w++) {
			if (entry[w] != name[w]) {
				same = 0;
				break;
			}
		}
		if (same) {
			__sync_fetch_and_add(&blocked_queries, 1);
			static const char fmt[] = "dns_block: dropped query for entry %u\n";
			bpf_trace_printk(fmt, sizeof(fmt), e);
			skb->mark = e + 1;
			return TC_ACT_SHOT;
		}
	}
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
