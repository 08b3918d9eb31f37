# what: helper store bytes uninit src
# type: tc
r2 = 0
r3 = r10
r3 += -8
r4 = 4
r5 = 0
call 9
r0 = 0
exit
