# what: w2 = w3; w2 += 1 links by 32-bit arithmetic (BPF_ADD_CONST32), so r3 <= 14 bounds the stack index r2 to 1..15
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0x0)
w2 = w3
w2 += 1
if r3 > 0xe goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
