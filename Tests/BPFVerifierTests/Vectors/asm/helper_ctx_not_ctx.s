# what: helper ctx not ctx
# type: tc
r1 = r10
call 39
r0 = 0
exit
