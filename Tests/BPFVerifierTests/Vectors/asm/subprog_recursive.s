# what: a subprogram that calls itself
# type: tc

call fn
exit
fn:
call fn
exit
