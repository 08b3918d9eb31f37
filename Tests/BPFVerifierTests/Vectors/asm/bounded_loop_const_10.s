# what: a counted loop of 10 iterations (bounded back-edge)
# type: tc

r0 = 0
r1 = 0
loop:
r0 += 3
r1 += 1
if r1 < 0xa goto loop
exit
