# what: jmp32 bounds
# type: tc
r2 = *(u32 *)(r1 + 0)
if w2 > 7 goto out
r4 = r10
r4 += -8
r4 += r2
r5 = 0
*(u8 *)(r4 + 0) = r5
out:
r0 = 0
exit
