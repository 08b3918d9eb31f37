// what: lookup in an array flagged BPF_F_INNER_MAP with key 0 as zero bytes: a template's max_entries proves nothing, dereferenced without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __uint(map_flags, 4096 /* BPF_F_INNER_MAP */); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = 0\n"
	"*(u32 *)(r10 - 4) = r1\n"
	"r2 = r10\n"
	"r2 += -4\n"
	"r1 = %[amap] ll\n"
	"call 1\n"
	"r0 = *(u64 *)(r0 + 0)\n"
	"exit\n"
	:: [amap]"i"(&amap) : "memory");
}
