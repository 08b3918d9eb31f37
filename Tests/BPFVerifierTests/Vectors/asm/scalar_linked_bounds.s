# what: scalar linked bounds
# type: tc
r6 = r1
r2 = *(u32 *)(r6 + 0)
r3 = r2
if r3 > 8 goto out
r4 = r10
r4 += -16
r4 += r2
r5 = 0
*(u8 *)(r4 + 0) = r5
out:
r0 = 0
exit
