// what: a checked map value compared with 0 in 32 bits: the kernel knows the answer and skips the bad branch
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r6 = r1\n"
	"r1 = 0\n"
	"*(u32 *)(r10 - 4) = r1\n"
	"r2 = r10\n"
	"r2 += -4\n"
	"r1 = %[hmap] ll\n"
	"call 1\n"
	"if r0 == 0 goto out%=\n"
	"if w0 != 0 goto out%=\n"
	"r0 = r9\n"
	"exit\n"
	"out%=:\n"
	"r0 = 0\n"
	"exit\n"
	:: [hmap]"i"(&hmap) : "memory");
}
