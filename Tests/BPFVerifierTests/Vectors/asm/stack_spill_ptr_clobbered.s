# what: overwrites one byte of a spilled pointer, then fills and dereferences it
# type: tc

*(u64 *)(r10 - 0x8) = r1
r3 = 0
*(u8 *)(r10 - 0x8) = r3
r2 = *(u64 *)(r10 - 0x8)
r0 = *(u32 *)(r2 + 0x8)
exit
