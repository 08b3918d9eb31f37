# what: div by const zero
# type: tc
r0 = 1
r0 /= 0
exit
