# what: a packet pointer moved by a register holding a known constant, then read behind a check
# type: tc

r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = 4
r2 += r4
r5 = r2
r5 += 1
if r5 > r3 goto out
r0 = *(u8 *)(r2 + 0)
exit
out:
r0 = 0
exit
