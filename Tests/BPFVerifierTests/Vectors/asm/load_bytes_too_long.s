# what: bpf_skb_load_bytes of 16 bytes into a buffer at fp-8
# type: tc

r2 = 0
r3 = r10
r3 += -0x8
r4 = 16
call 26
r0 = 0
exit
