# what: reads R5 after a helper call
# type: tc

r5 = 1
call 7
r0 = r5
exit
