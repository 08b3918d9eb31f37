# what: a tc program checks data_meta + 4 against data and reads the metadata
# type: tc

r2 = *(u32 *)(r1 + 0x8c)
r3 = *(u32 *)(r1 + 0x4c)
r0 = 0
r4 = r2
r4 += 0x4
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0x0)
out:
exit
