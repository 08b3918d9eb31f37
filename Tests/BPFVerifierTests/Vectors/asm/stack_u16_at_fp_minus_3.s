# what: writes 2 bytes at fp-3 (not 2-aligned)
# type: tc

r1 = 5
*(u16 *)(r10 - 0x3) = r1
r0 = 0
exit
