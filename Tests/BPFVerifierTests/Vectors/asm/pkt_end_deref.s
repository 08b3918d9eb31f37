# what: pkt end deref
# type: tc
r3 = *(u32 *)(r1 + 80)
r0 = *(u8 *)(r3 + 0)
exit
