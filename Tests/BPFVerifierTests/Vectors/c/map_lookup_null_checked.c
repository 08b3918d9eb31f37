#include "skbpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

// what: hash lookup checked against NULL
SEC("tc") int f(struct __sk_buff *skb) { __u32 k = 1; __u64 *v = bpf_map_lookup_elem(&hmap, &k); return v ? *v : 0; }
