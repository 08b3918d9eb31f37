# what: a stack pointer at fp-8 moved up by a register holding 16 (to fp+8), no access
# type: tc

r2 = 16
r1 = r10
r1 += -8
r1 += r2
r0 = 0
exit
