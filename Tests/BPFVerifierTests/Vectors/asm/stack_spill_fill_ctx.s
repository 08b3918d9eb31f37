# what: spills the context pointer, fills it and reads skb->mark through it
# type: tc

*(u64 *)(r10 - 0x8) = r1
r2 = *(u64 *)(r10 - 0x8)
r0 = *(u32 *)(r2 + 0x8)
exit
