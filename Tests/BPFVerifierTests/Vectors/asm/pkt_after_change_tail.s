# what: reuses a checked packet pointer after bpf_skb_change_tail
# type: tc

r6 = r1
r7 = *(u32 *)(r6 + 0x4c)
r3 = *(u32 *)(r6 + 0x50)
r0 = 0
r4 = r7
r4 += 0xe
if r4 > r3 goto out
r1 = r6
r2 = 100
r3 = 0
call 38
r0 = *(u8 *)(r7 + 0x0)
out:
exit
