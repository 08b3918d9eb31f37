# what: adds a constant to a stack pointer and stores through it
# type: tc

r2 = r10
r2 += -0x10
r3 = 1
*(u64 *)(r2 + 0x8) = r3
r0 = 0
exit
