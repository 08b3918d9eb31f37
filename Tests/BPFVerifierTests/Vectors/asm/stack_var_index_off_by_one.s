# what: bounds a variable stack index with <= 16, one past the 16 initialised bytes
# type: tc

r3 = 0
*(u64 *)(r10 - 0x10) = r3
*(u64 *)(r10 - 0x8) = r3
r0 = 0
r2 = *(u32 *)(r1 + 0x0)
if r2 > 0x10 goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
