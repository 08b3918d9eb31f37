# what: the last instruction is not an exit or a jump
# type: tc

r0 = 0
exit
r0 = 1
if r0 == 0x1 goto +0
r0 = 2
