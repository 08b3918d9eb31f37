# what: stores at fp-520, below the 512-byte stack
# type: tc

r1 = 0
*(u64 *)(r10 - 0x208) = r1
r0 = 0
exit
