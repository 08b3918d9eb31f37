// what: after i < 32 the fall-through branch (i >= 32) indexes the value with no upper bound
// type: tc

#include "skbpf.h"

struct val64 { __u8 b[64]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val64); } buf SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r6 = *(u32 *)(r1 + 0)\n"
	"r1 = 0\n"
	"*(u32 *)(r10 - 4) = r1\n"
	"r2 = r10\n"
	"r2 += -4\n"
	"r1 = %[buf] ll\n"
	"call 1\n"
	"if r0 == 0 goto l_out_%=\n"
	"if r6 < 32 goto l_out_%=\n"
	"r0 += r6\n"
	"r0 = *(u8 *)(r0 + 0)\n"
	"exit\n"
	"l_out_%=:\n"
	"r0 = 0\n"
	"exit\n"
	:: [buf]"i"(&buf) : "memory");
}
