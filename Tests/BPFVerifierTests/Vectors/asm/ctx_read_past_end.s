# what: reads at offset 192, just past struct __sk_buff
# type: tc

r0 = *(u32 *)(r1 + 0xc0)
exit
