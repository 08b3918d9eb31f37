# what: a loop of 20 rounds that skips odd counters (two conditional jumps per round)
# type: tc

r0 = 0
r1 = 0
loop:
r1 += 1
if r1 > 20 goto out
if r1 & 1 goto loop
r0 += 1
goto loop
out:
exit
