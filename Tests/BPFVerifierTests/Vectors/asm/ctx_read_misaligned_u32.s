# what: 4-byte read at offset 2, straddling len and pkt_type
# type: tc

r0 = *(u32 *)(r1 + 0x2)
exit
