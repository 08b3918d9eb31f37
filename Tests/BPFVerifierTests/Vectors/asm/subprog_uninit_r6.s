# what: subprog uninit r6
# type: tc
call f
r0 = 0
exit
f:
r0 = r6
exit
