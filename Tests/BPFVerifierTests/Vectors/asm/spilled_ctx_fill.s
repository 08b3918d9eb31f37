# what: spilled ctx fill
# type: tc
*(u64 *)(r10 - 8) = r1
r2 = *(u64 *)(r10 - 8)
r0 = *(u32 *)(r2 + 8)
exit
