# what: reads the stack at an offset derived from unmasked skb->len
# type: tc

r3 = 0
*(u64 *)(r10 - 0x10) = r3
*(u64 *)(r10 - 0x8) = r3
r2 = *(u32 *)(r1 + 0x0)
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
exit
