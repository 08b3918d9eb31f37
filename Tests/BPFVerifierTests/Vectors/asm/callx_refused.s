# what: callx refused
# type: tc
r1 = 5
callx r1
r0 = 0
exit
