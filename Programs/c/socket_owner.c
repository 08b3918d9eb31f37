// socket_owner: what skb->sk tells a tc program about the socket a packet belongs to.
// A packet without a socket (received or forwarded) passes untouched. For one a local socket
// sent, cb[0] gets the socket's family, cb[1] its TCP state, cb[2] its addresses xored (a cheap
// flow tag); a full socket's own mark is copied into the packet's mark (with bit 8 set, so the
// copy shows); a TCP socket's congestion window goes into cb[3]. All of it is read-only: the
// verifier refuses writes through socket pointers and reads of fields a kind does not have.
#include "skbpf.h"

SEC("tc")
int socket_owner(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	if (!sk)
		return TC_ACT_OK;
	skb->cb[0] = sk->family;
	skb->cb[1] = sk->state;
	skb->cb[2] = sk->src_ip4 ^ sk->dst_ip4;

	struct bpf_sock *full = bpf_sk_fullsock(sk);
	if (full)
		skb->mark = full->mark | 0x100;
	struct bpf_tcp_sock *tcp = bpf_tcp_sock(sk);
	if (tcp)
		skb->cb[3] = tcp->snd_cwnd;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
