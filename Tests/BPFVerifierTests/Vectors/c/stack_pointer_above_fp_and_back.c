// what: a stack pointer moved above the frame pointer (fp+8) and back down before the read: an unprivileged loader refuses it
// type: tc

#include "skbpf.h"

char _license[] SEC("license") = "GPL";
SEC("tc") __attribute__((naked)) int prog(void)
{
	asm volatile(
	"r1 = 0\n"
	"*(u64 *)(r10 - 8) = r1\n"
	"r2 = r10\n"
	"r2 += 8\n"
	"r2 += -16\n"
	"r0 = *(u64 *)(r2 + 0)\n"
	"exit\n"
	::: "memory");
}
