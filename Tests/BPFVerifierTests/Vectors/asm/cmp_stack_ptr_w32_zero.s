# what: the frame pointer compared with 0 in 32 bits
# type: tc

r1 = r10
r0 = 0
if w1 == 0 goto out
r0 = 1
out:
exit
