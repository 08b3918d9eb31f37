# what: an 8-byte store at fp-4 straddles the frame pointer
# type: tc

r1 = 0
*(u64 *)(r10 - 0x4) = r1
r0 = 0
exit
