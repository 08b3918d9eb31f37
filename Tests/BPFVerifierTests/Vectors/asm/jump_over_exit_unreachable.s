# what: jump over exit unreachable
# type: tc
r0 = 0
goto l
r0 = 1
l:
exit
