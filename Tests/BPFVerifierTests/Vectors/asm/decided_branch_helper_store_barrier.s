# what: a constant-decided branch skips a bpf_skb_load_bytes into fresh stack: the skipped side, walked speculatively for an unprivileged loader, ends at the barrier after the store
# type: tc

r6 = r1
r7 = 5
if r7 == 5 goto skip
r1 = r6
r2 = 0
r3 = r10
r3 += -8
r4 = 1
call 26
r0 = 1
skip:
r0 = 0
exit
