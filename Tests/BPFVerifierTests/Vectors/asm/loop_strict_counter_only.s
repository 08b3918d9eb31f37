# what: the smallest counted loop (r1 = 0..9, nothing else changes): an unprivileged loader's mispredicted path comes back to an equal state
# type: tc

r0 = 0
r1 = 0
loop:
r1 += 1
if r1 < 10 goto loop
exit
