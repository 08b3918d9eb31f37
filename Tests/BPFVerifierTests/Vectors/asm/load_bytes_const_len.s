# what: bpf_skb_load_bytes of 8 bytes into an 8-byte stack buffer
# type: tc

r2 = 0
r3 = r10
r3 += -0x8
r4 = 8
call 26
r0 = *(u64 *)(r10 - 0x8)
exit
