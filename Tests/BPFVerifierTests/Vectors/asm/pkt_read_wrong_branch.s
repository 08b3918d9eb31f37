# what: reads the packet on the branch where data + 14 > data_end
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0xe
if r4 <= r3 goto out
r0 = *(u8 *)(r2 + 0x0)
out:
exit
