# what: the subprogram exits without setting R0
# type: tc

call fn
exit
fn:
r1 = 1
exit
