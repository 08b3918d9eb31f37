#include "skbpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

// what: skb_load_bytes_relative into the stack
static long (*bpf_skb_load_bytes_relative)(const void *, __u32, void *, __u32, __u32) = (void *)68;
SEC("tc") int f(struct __sk_buff *skb) { __u8 b[4]; if (bpf_skb_load_bytes_relative(skb, 0, b, 4, 1)) return 0; return b[0]; }
