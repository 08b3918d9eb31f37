# what: calls a bpf-to-bpf subprogram that returns a constant
# type: tc

call fn
exit
fn:
r0 = 7
exit
