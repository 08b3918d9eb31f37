# what: sign-extending move of the context pointer
# type: tc

r0 = (s32)r1
r0 = 0
exit
