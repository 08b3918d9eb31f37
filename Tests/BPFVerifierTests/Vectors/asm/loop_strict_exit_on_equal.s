# what: a loop left by if r1 == 10 and a goto back: one decided branch per round
# type: tc

r0 = 0
r1 = 0
loop:
r1 += 1
if r1 == 10 goto out
goto loop
out:
exit
