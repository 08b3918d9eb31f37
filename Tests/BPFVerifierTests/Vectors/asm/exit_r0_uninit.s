# what: exits without ever writing R0
# type: tc

r1 = 0
exit
