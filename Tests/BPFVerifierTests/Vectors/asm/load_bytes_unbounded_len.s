# what: bpf_skb_load_bytes with the nonzero but otherwise unbounded skb->len as length
# type: tc

r0 = 0
r4 = *(u32 *)(r1 + 0x0)
if r4 == 0x0 goto out
r2 = 0
r3 = r10
r3 += -0x10
call 26
r0 = 0
out:
exit
