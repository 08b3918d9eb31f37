# what: pkt no check
# type: tc
r2 = *(u32 *)(r1 + 76)
r0 = *(u8 *)(r2 + 0)
exit
