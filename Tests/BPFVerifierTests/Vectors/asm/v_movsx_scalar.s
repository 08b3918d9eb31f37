# what: movsx scalar
# type: tc
r1 = *(u32 *)(r1 + 0)
r0 = (s8)r1
exit
