# what: writes a stack slot and reads it back
# type: tc

r1 = 5
*(u64 *)(r10 - 0x8) = r1
r0 = *(u64 *)(r10 - 0x8)
exit
