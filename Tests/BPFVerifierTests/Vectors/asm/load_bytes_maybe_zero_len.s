# what: bpf_skb_load_bytes with a variable length in 0..15 (zero not allowed)
# type: tc

r4 = *(u32 *)(r1 + 0x0)
r4 &= 0xf
r2 = 0
r3 = r10
r3 += -0x10
call 26
r0 = 0
exit
