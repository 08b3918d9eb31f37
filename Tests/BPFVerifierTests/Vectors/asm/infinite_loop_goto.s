# what: infinite loop goto
# type: tc
l:
goto l
