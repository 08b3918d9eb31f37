# what: reads the packet before any comparison with data_end
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r0 = *(u8 *)(r2 + 0x0)
exit
