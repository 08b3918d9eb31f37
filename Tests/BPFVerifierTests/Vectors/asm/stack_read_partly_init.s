# what: writes 4 bytes of a slot and reads all 8
# type: tc

r1 = 0
*(u32 *)(r10 - 0x8) = r1
r0 = *(u64 *)(r10 - 0x8)
exit
