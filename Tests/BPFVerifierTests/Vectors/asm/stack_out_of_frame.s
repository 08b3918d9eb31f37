# what: stack out of frame
# type: tc
r1 = 5
*(u64 *)(r10 - 520) = r1
r0 = 0
exit
