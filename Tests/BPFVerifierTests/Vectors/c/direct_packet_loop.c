#include "skbpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

// what: bounded loop over packet bytes
SEC("tc") int f(struct __sk_buff *skb) { __u8 *d = (void *)(long)skb->data, *e = (void *)(long)skb->data_end; __u32 s = 0; for (int i = 0; i < 32; i++) { if (d + i + 1 > e) break; s += d[i]; } return s; }
