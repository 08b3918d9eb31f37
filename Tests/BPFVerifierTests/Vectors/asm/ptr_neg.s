# what: negates a context pointer
# type: tc

r1 = -r1
r0 = 0
exit
