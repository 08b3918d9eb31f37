#include "skbpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

// what: increment a .bss global
static __u64 counter; SEC("tc") int f(struct __sk_buff *skb) { __sync_fetch_and_add(&counter, 1); return 0; }
