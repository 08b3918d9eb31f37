# what: a counted loop whose counter is a helper's length: the mispredicted exit ends at the call with an unknown length (fenced), so an unprivileged loader accepts it too
# type: tc

r6 = r1
r7 = 1
loop:
r1 = r6
r2 = 0
r3 = r10
r3 += -8
r4 = r7
call 26
r7 += 1
if r7 < 9 goto loop
r0 = 0
exit
