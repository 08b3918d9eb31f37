# what: bpf_skb_load_bytes with length 0
# type: tc

r2 = 0
r3 = r10
r3 += -0x8
r4 = 0
call 26
r0 = 0
exit
