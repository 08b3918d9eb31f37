// what: a map value indexed by skb->len & 15, or & 7 on a second path that joins the first: the narrower path must not be pruned by the wider one, as its Spectre mask differs (unprivileged)
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u8[16]); } bytes SEC(".maps");
char _license[] SEC("license") = "GPL";
SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r6 = r1\n"
	"r1 = 0\n"
	"*(u32 *)(r10 - 4) = r1\n"
	"r2 = r10\n"
	"r2 += -4\n"
	"r1 = %[bytes] ll\n"
	"call 1\n"
	"r1 = *(u32 *)(r6 + 0)\n"
	"r1 &= 15\n"
	"r2 = *(u32 *)(r6 + 8)\n"
	"r3 = *(u32 *)(r6 + 16)\n"
	"if r2 != 0 goto narrow\n"
	"r3 += 1\n"
	"goto join\n"
	"narrow:\n"
	"r1 &= 7\n"
	"join:\n"
	"r4 = 1\n"
	"r5 = 2\n"
	"if r3 > 5 goto a\n"
	"r4 = 3\n"
	"a:\n"
	"r5 = 4\n"
	"r4 = 5\n"
	"r5 = 6\n"
	"r4 = 7\n"
	"r5 = 8\n"
	"r4 = 9\n"
	"if r4 > 9 goto b\n"
	"b:\n"
	"r0 += r1\n"
	"r0 = *(u8 *)(r0 + 0)\n"
	"exit\n"
	:: [bytes]"i"(&bytes) : "memory");
}
