// what: skb->sk returned as the program's result
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
	"r0 = *(u64 *)(r1 + 168)\n"
	"exit\n"
	::: "memory");
}
