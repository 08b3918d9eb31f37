# what: adds a bounded (& 0xff) offset to data and re-checks against data_end before reading
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r5 = *(u32 *)(r1 + 0x8)
r5 &= 0xff
r2 += r5
r4 = r2
r4 += 0x4
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0x0)
out:
exit
