# what: w2 = w3 where r3 may exceed 32 bits (r3 <<= 8) is not a link: r3 <= 15 does not bound r2
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r3 = *(u32 *)(r1 + 0x0)
r3 <<= 8
w2 = w3
if r3 > 0xf goto out
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
out:
exit
