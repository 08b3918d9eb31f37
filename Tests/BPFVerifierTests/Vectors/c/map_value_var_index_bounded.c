#include "skbpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

// what: map value indexed by a masked variable
struct big { __u8 b[64]; }; struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct big); } bmap SEC(".maps");
SEC("tc") int f(struct __sk_buff *skb) { __u32 k = 0; struct big *v = bpf_map_lookup_elem(&bmap, &k); if (!v) return 0; __u32 i = skb->len & 63; return v->b[i]; }
