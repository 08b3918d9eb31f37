// what: array lookup through bpf_map_lookup_elem with key 2 as an ST spill, then the value written without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 3); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"*(u32 *)(r10 - 8) = 2\n"
	"r2 = r10\n"
	"r2 += -8\n"
	"r1 = %[amap] ll\n"
	"call 1\n"
	"r1 = 7\n"
	"*(u64 *)(r0 + 0) = r1\n"
	"r0 = 0\n"
	"exit\n"
	:: [amap]"i"(&amap) : "memory");
}
