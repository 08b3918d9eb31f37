# what: reads R1 after a helper call (R1-R5 are scratched)
# type: tc

call 5
r0 = r1
exit
