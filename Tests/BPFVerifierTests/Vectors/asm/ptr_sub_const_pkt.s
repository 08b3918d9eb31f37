# what: advances a checked packet pointer by 14, subtracts 4 and reads within range
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0xe
if r4 > r3 goto out
r4 -= 0x4
r0 = *(u32 *)(r4 + 0x0)
out:
exit
