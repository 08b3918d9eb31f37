# what: advances the context pointer by 8 and dereferences it
# type: tc

r1 += 0x8
r0 = *(u32 *)(r1 + 0x0)
exit
