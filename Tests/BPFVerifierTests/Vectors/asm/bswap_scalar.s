# what: byte swaps (bswap and be/le) on a scalar
# type: tc

r0 = *(u32 *)(r1 + 0x0)
r0 = bswap16 r0
r0 = bswap32 r0
r0 = bswap64 r0
r0 = be16 r0
r0 = le32 r0
exit
