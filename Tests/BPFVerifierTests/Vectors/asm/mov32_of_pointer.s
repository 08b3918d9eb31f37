# what: copies the low 32 bits of the context pointer into a scalar register
# type: tc

w0 = w1
w0 = 0
exit
