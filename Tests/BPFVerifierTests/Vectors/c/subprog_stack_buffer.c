// what: a noinline function fills a caller's stack buffer through a pointer
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";

static __noinline int fill(__u32 *p, __u32 v)
{
	p[0] = v;
	p[1] = v + 1;
	return 0;
}
SEC("tc") int prog(struct __sk_buff *skb)
{
	__u32 buf[2];
	fill(buf, skb->len);
	return buf[0] + buf[1];
}
