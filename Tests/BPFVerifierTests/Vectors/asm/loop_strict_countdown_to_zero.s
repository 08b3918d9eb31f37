# what: a loop counting r1 down from 10 to 0: for an unprivileged loader the mispredicted path goes on with r1 unknown and never ends
# type: tc

r0 = 0
r1 = 10
loop:
r1 -= 1
if r1 != 0 goto loop
exit
