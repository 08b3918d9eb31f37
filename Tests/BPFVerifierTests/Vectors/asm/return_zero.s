# what: return zero
# type: tc
r0 = 0
exit
