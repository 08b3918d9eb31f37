# what: subprog scalar
# type: tc
r1 = 3
call f
exit
f:
r0 = r1
r0 += 1
exit
