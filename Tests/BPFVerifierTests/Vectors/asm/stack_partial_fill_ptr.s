# what: reads 4 bytes of a spilled pointer as a scalar
# type: tc

*(u64 *)(r10 - 0x8) = r1
r0 = *(u32 *)(r10 - 0x8)
r0 = 0
exit
