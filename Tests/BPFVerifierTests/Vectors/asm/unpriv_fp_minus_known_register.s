# what: a positive known register subtracted from the frame pointer
# type: tc

r2 = 8
r1 = r10
r1 -= r2
r0 = 0
exit
