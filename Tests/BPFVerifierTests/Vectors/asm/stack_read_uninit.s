# what: reads 8 bytes of stack that were never written
# type: tc

r0 = *(u64 *)(r10 - 0x8)
exit
