# what: a socket filter returns the context pointer
# type: socket_filter

r0 = r1
exit
