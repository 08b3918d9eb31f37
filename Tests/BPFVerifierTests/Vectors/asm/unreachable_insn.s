# what: instructions after the only exit can never be reached
# type: tc

r0 = 0
exit
r0 = 1
exit
