# what: byte swap of the stack pointer
# type: tc

r2 = r10
r2 = be64 r2
r0 = 0
exit
