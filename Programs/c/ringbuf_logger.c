// ringbuf_logger: per-packet events for user space, three ways, one object.
//  - log_reserve  (section "tc"): bpf_ringbuf_reserve a `struct packet_event` in the ring
//    buffer `events`, fill it in place, bpf_ringbuf_submit it; frames that are not IPv4
//    are bpf_ringbuf_discard()ed after the reservation instead (counted in `discarded`).
//  - log_output   (section "classifier"): build the event on the stack and copy it with
//    bpf_ringbuf_output; cb[0] = the helper's return value (0 on success).
//  - log_perf     (section "action", so a sched_act program): the older way,
//    bpf_perf_event_output into the perf event array `perf_events` on the current CPU;
//    cb[0] = the return value (the kernel gives -ENOENT, 0xfffffffe, when no perf event is
//    open on that CPU, as under test_run).
// Events carry a sequence number from the global `next_seq` (.bss), not a timestamp, so
// that a run is reproducible. Every program passes every packet (TC_ACT_OK) and sets
// skb->mark to the sequence number + 1 of the event it sent (log_reserve sends none for a
// discarded reservation). The three section names are the ones libbpf 1.x knows.
#include "skbpf.h"

struct packet_event {
	__u64 seq;
	__u32 len;
	__u32 ifindex;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__be16 eth_proto;
	__u8 ip_proto;
	__u8 pkt_type;
};
_Static_assert(sizeof(struct packet_event) == 32, "packet_event is 32 bytes");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

__u64 next_seq = 0;
__u64 discarded = 0;

// Fills every field, `seq` with 0 (callers number the events they send; a reservation's
// memory is not zeroed, so even a discarded event is fully written). Returns 0 for IPv4,
// -1 for other frames.
static __always_inline int describe(struct __sk_buff *skb, struct packet_event *ev)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	ev->seq = 0;
	ev->len = skb->len;
	ev->ifindex = skb->ifindex;
	ev->pkt_type = skb->pkt_type;
	ev->saddr = 0;
	ev->daddr = 0;
	ev->sport = 0;
	ev->dport = 0;
	ev->ip_proto = 0;
	ev->eth_proto = 0;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	ev->eth_proto = eth->h_proto;
	struct iphdr *ip = (void *)(eth + 1);
	if (eth->h_proto != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > data_end || ip->ihl < 5)
		return -1;
	ev->saddr = ip->saddr;
	ev->daddr = ip->daddr;
	ev->ip_proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		__be16 *ports = (void *)ip + ip->ihl * 4;
		if ((void *)(ports + 2) <= data_end) {
			ev->sport = ports[0];
			ev->dport = ports[1];
		}
	}
	return 0;
}

SEC("tc")
int log_reserve(struct __sk_buff *skb)
{
	struct packet_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		return TC_ACT_OK;
	if (describe(skb, ev)) {
		// A reservation must be submitted or discarded on every path.
		bpf_ringbuf_discard(ev, 0);
		__sync_fetch_and_add(&discarded, 1);
		return TC_ACT_OK;
	}
	__u64 seq = __sync_fetch_and_add(&next_seq, 1);
	ev->seq = seq;
	bpf_ringbuf_submit(ev, 0);
	skb->mark = seq + 1;
	return TC_ACT_OK;
}

SEC("classifier")
int log_output(struct __sk_buff *skb)
{
	struct packet_event ev;
	describe(skb, &ev);
	ev.seq = __sync_fetch_and_add(&next_seq, 1);
	skb->cb[0] = bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
	skb->mark = ev.seq + 1;
	return TC_ACT_OK;
}

SEC("action")
int log_perf(struct __sk_buff *skb)
{
	struct packet_event ev;
	describe(skb, &ev);
	ev.seq = __sync_fetch_and_add(&next_seq, 1);
	skb->cb[0] = bpf_perf_event_output(skb, &perf_events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	skb->mark = ev.seq + 1;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
