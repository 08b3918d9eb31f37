# what: bswap scalar
# type: tc
r0 = *(u32 *)(r1 + 0)
r0 = bswap16 r0
exit
