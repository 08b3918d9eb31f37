# what: helper unknown id
# type: tc
call 999
r0 = 0
exit
