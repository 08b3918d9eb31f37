// what: a map with 8-byte keys gets a key of which only 4 bytes (fp-4) are on the stack
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u64); __type(value, __u64); } hmap8 SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = 0\n"
	"*(u32 *)(r10 - 4) = r1\n"
	"r2 = r10\n"
	"r2 += -4\n"
	"r1 = %[hmap8] ll\n"
	"call 1\n"
	"r0 = 0\n"
	"exit\n"
	:: [hmap8]"i"(&hmap8) : "memory");
}
