# what: ptr add scalar const
# type: tc
r0 = r10
r0 += -8
r1 = 1
*(u64 *)(r0 + 0) = r1
r0 = 0
exit
