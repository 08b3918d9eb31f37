// what: passes a pointer to a never-written stack slot as the lookup key
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hmap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r2 = r10\n"
	"r2 += -8\n"
	"r1 = %[hmap] ll\n"
	"call 1\n"
	"r0 = 0\n"
	"exit\n"
	:: [hmap]"i"(&hmap) : "memory");
}
