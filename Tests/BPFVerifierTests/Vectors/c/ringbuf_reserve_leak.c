#include "skbpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

// what: ring buffer record not submitted on one path
SEC("tc") int f(struct __sk_buff *skb) { __u64 *e = bpf_ringbuf_reserve(&ring, 8, 0); if (!e) return 0; if (skb->len > 100) return 1; bpf_ringbuf_submit(e, 0); return 0; }
