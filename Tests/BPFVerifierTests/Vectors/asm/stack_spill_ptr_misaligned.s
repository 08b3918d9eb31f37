# what: spills a pointer at fp-12 (not 8-aligned)
# type: tc

*(u64 *)(r10 - 0xc) = r1
r0 = 0
exit
