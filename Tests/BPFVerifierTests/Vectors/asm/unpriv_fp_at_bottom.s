# what: the frame pointer moved to the last byte of the frame and written there
# type: tc

r1 = r10
r1 += -512
r2 = 7
*(u8 *)(r1 + 0) = r2
r0 = 0
exit
