# what: ptr 32bit arith
# type: tc
r0 = r10
w0 += 8
r0 = 0
exit
