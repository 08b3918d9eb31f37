# what: a conditional back-edge whose condition never changes
# type: tc

r0 = 0
loop:
if r0 == 0x0 goto loop
exit
