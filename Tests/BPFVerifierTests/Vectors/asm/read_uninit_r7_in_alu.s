# what: adds an uninitialised callee-saved register
# type: tc

r0 = 1
r0 += r7
exit
