# what: return stack pointer
# type: tc
r0 = r10
exit
