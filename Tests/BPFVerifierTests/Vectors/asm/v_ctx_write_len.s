# what: ctx write len
# type: tc
r2 = 7
*(u32 *)(r1 + 0) = r2
r0 = 0
exit
