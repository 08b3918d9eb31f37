# what: r1 after call
# type: tc
call 5
r0 = r1
exit
