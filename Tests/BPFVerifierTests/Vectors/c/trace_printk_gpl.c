// what: a GPL program calls bpf_trace_printk
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("tc") int prog(struct __sk_buff *skb)
{
	char fmt[] = "len %u";
	bpf_trace_printk(fmt, sizeof(fmt), skb->len);
	return 0;
}
