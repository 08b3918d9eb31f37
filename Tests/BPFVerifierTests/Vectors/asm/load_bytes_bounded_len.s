# what: bpf_skb_load_bytes with a variable length bounded to 1..16
# type: tc

r4 = *(u32 *)(r1 + 0x0)
r4 &= 0xf
r4 += 1
r2 = 0
r3 = r10
r3 += -0x10
call 26
r0 = 0
exit
