# what: reloads data/data_end and re-checks after bpf_skb_store_bytes
# type: tc

r6 = r1
r2 = 0
*(u64 *)(r10 - 0x8) = r2
r1 = r6
r2 = 0
r3 = r10
r3 += -0x8
r4 = 2
r5 = 0
call 9
r7 = *(u32 *)(r6 + 0x4c)
r3 = *(u32 *)(r6 + 0x50)
r0 = 0
r4 = r7
r4 += 0xe
if r4 > r3 goto out
r0 = *(u8 *)(r7 + 0x0)
out:
exit
