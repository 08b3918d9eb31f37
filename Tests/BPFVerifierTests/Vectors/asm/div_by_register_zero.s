# what: divide by a register known to be 0 (runtime yields 0, allowed)
# type: tc

r0 = 10
r2 = 0
r0 /= r2
exit
