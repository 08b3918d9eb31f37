# what: stack above fp
# type: tc
r1 = 5
*(u64 *)(r10 + 0) = r1
r0 = 0
exit
