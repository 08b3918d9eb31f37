// what: array lookup, key 1 spilled as a u64 at fp-8 and the key pointer at fp-4 (the spill covers exactly the key's 4 bytes up to the slot's top), dereferenced without NULL check
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } amap SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = 1\n"
	"*(u64 *)(r10 - 8) = r1\n"
	"r2 = r10\n"
	"r2 += -4\n"
	"r1 = %[amap] ll\n"
	"call 1\n"
	"r0 = *(u64 *)(r0 + 0)\n"
	"exit\n"
	:: [amap]"i"(&amap) : "memory");
}
