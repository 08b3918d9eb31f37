// what: submits a reserved record without checking it for NULL
// type: tc

#include "skbpf.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
char _license[] SEC("license") = "GPL";

SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = %[ring] ll\n"
	"r2 = 8\n"
	"r3 = 0\n"
	"call 131\n"
	"r1 = r0\n"
	"r2 = 0\n"
	"call 132\n"
	"r0 = 0\n"
	"exit\n"
	:: [ring]"i"(&ring) : "memory");
}
