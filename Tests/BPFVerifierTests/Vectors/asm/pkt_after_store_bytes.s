# what: reuses a checked packet pointer after bpf_skb_store_bytes invalidated it
# type: tc

r6 = r1
r7 = *(u32 *)(r6 + 0x4c)
r3 = *(u32 *)(r6 + 0x50)
r0 = 0
r4 = r7
r4 += 0xe
if r4 > r3 goto out
r2 = 0
*(u64 *)(r10 - 0x8) = r2
r1 = r6
r2 = 0
r3 = r10
r3 += -0x8
r4 = 2
r5 = 0
call 9
r0 = *(u8 *)(r7 + 0x0)
out:
exit
