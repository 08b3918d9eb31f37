# what: the minimal valid program: r0 = 0, exit
# type: tc

r0 = 0
exit
