# what: helper load bytes zero len
# type: tc
r2 = 0
r3 = r10
r3 += -16
r4 = 0
call 26
r0 = 0
exit
