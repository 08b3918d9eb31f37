# what: returns the context pointer
# type: tc

r0 = r1
exit
