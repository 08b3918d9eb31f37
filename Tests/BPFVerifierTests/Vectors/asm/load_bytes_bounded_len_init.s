# what: bpf_skb_load_bytes with a length in 1..16 into an already initialised 16-byte buffer
# type: tc

r5 = 0
*(u64 *)(r10 - 0x10) = r5
*(u64 *)(r10 - 0x8) = r5
r4 = *(u32 *)(r1 + 0x0)
r4 &= 0xf
r4 += 1
r2 = 0
r3 = r10
r3 += -0x10
call 26
r0 = 0
exit
