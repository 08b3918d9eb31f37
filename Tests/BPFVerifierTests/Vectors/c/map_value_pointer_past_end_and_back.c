// what: a map value pointer moved one past the value's end and back before the read: an unprivileged loader refuses the pointer outside the value
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
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
	"r0 += 8\n"
	"r0 += -8\n"
	"r0 = *(u64 *)(r0 + 0)\n"
	"exit\n"
	:: [amap]"i"(&amap) : "memory");
}
