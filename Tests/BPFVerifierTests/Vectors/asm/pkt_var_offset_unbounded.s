# what: adds an unbounded 32-bit offset to data, then checks and reads
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r5 = *(u32 *)(r1 + 0x8)
r2 += r5
r4 = r2
r4 += 0x4
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0x0)
out:
exit
