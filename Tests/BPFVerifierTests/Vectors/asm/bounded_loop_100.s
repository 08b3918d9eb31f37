# what: bounded loop 100
# type: tc
r0 = 0
r1 = 0
l:
r0 += r1
r1 += 1
if r1 < 100 goto l
exit
