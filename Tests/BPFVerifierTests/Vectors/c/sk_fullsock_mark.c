// what: bpf_sk_fullsock(skb->sk), checked, then mark read
// type: tc

#include "skbpf.h"
struct bpf_sock; struct bpf_tcp_sock;
static struct bpf_sock *(*fullsock)(struct bpf_sock *sk) = (void *) 95;
static struct bpf_tcp_sock *(*tcpsock)(struct bpf_sock *sk) = (void *) 96;
static struct bpf_sock *(*listener)(struct bpf_sock *sk) = (void *) 98;
char _license[] SEC("license") = "GPL";
SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = *(u64 *)(r1 + 168)\n"
	"if r1 == 0 goto o%=\n"
	"call 95\n"
	"if r0 == 0 goto o%=\n"
	"r0 = *(u32 *)(r0 + 16)\n"
	"exit\n"
	"o%=:\n"
	"r0 = 0\n"
	"exit\n"
	::: "memory");
}
