# what: reads R9 after a helper call (callee-saved)
# type: tc

r9 = 3
call 7
r0 = r9
exit
