// what: a program with a proprietary licence calls the GPL-only bpf_trace_printk
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "Proprietary";

SEC("tc") int prog(struct __sk_buff *skb)
{
	char fmt[] = "len %u";
	bpf_trace_printk(fmt, sizeof(fmt), skb->len);
	return 0;
}
