# what: reads 4 bytes of a spilled 64-bit scalar
# type: tc

r2 = 0x1234
*(u64 *)(r10 - 0x8) = r2
r0 = *(u32 *)(r10 - 0x8)
exit
