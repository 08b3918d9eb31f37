# what: writes and reads 8 bytes at fp-13 (not 8-aligned)
# type: tc

r1 = 5
*(u64 *)(r10 - 0xd) = r1
r0 = *(u64 *)(r10 - 0xd)
exit
