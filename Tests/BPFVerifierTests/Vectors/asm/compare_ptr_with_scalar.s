# what: compare ptr with scalar
# type: tc
r0 = 0
if r1 > r0 goto l
l:
exit
