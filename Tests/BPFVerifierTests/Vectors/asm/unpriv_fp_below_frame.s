# what: the frame pointer moved below the 512-byte frame (no access)
# type: tc

r1 = r10
r1 += -520
r0 = 0
exit
