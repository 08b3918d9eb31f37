// pass_all: a tc program that lets every packet through (TC_ACT_OK).
// The smallest possible filter: the baseline for overhead measurements.
#include "skbpf.h"

SEC("tc")
int pass_all(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
