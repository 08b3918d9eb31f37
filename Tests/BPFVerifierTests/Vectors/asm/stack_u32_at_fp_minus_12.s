# what: writes and reads 4 bytes at fp-12 (4-aligned, not 8-aligned)
# type: tc

r1 = 5
*(u32 *)(r10 - 0xc) = r1
r0 = *(u32 *)(r10 - 0xc)
exit
