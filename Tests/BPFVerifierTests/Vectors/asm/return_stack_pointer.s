# what: returns a pointer into the stack
# type: tc

r0 = r10
r0 += -0x8
exit
