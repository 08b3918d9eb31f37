# what: stack misaligned
# type: tc
r1 = 5
*(u64 *)(r10 - 12) = r1
r0 = 0
exit
