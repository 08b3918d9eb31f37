// what: a socket filter calls bpf_redirect, a tc-only helper
// type: socket_filter
// section: socket

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

SEC("socket") int prog(struct __sk_buff *skb)
{
	return bpf_redirect(1, 0);
}
