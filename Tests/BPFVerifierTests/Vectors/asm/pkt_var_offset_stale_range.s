# what: checks data + 64, then adds a variable offset and reads without a new check
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0x40
if r4 > r3 goto out
r5 = *(u32 *)(r1 + 0x8)
r5 &= 0xf
r2 += r5
r0 = *(u8 *)(r2 + 0x0)
out:
exit
