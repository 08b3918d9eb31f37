# what: the caller reads callee-saved R6 after a bpf-to-bpf call
# type: tc

r6 = 5
call fn
r0 = r6
exit
fn:
r6 = 9
r0 = 0
exit
