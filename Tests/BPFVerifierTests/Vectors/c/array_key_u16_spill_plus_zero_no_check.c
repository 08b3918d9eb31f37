// what: array lookup, key 1 as a 2-byte spill at fp-8 and 2 zero bytes above it: the spill is narrower than the key, dereferenced without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = 1\n"
	"*(u16 *)(r10 - 8) = r1\n"
	"r1 = 0\n"
	"*(u16 *)(r10 - 6) = r1\n"
	"r2 = r10\n"
	"r2 += -8\n"
	"r1 = %[amap] ll\n"
	"call 1\n"
	"r0 = *(u64 *)(r0 + 0)\n"
	"exit\n"
	:: [amap]"i"(&amap) : "memory");
}
