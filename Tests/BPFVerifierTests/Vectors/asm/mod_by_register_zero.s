# what: mod by register zero
# type: tc
r0 = 7
r1 = 0
r0 %= r1
exit
