# what: a counted loop of 600000 iterations exceeds the 1M processed-instruction budget
# type: tc

r0 = 0
r1 = 0
loop:
r1 += 1
if r1 < 0x927c0 goto loop
exit
