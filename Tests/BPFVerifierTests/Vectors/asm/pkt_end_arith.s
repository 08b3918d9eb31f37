# what: adds a constant to the pkt_end pointer
# type: tc

r3 = *(u32 *)(r1 + 0x50)
r3 += 0x1
r0 = 0
exit
