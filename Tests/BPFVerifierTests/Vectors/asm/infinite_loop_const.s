# what: infinite loop const
# type: tc
r0 = 0
l:
if r0 == 0 goto l
exit
