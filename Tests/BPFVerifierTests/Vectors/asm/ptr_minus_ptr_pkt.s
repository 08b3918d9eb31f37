# what: computes data_end - data as a packet length
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r3 -= r2
r0 = r3
r0 &= 0x1
exit
