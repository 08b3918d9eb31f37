# what: arithmetic right shift by the constant 64
# type: tc

r0 = -1
r0 s>>= 64
exit
