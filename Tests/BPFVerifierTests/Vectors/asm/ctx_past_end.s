# what: ctx past end
# type: tc
r0 = *(u32 *)(r1 + 192)
exit
