# what: a jump to itself
# type: tc

r0 = 0
loop:
goto loop
