# what: passes a stack pointer where bpf_skb_load_bytes expects the context
# type: tc

r1 = r10
r1 += -0x10
r2 = 0
r3 = r10
r3 += -0x8
r4 = 8
call 26
r0 = 0
exit
