# what: the caller reads R1 after a bpf-to-bpf call, which clobbers R1-R5
# type: tc

r1 = 5
call fn
r0 = r1
exit
fn:
r0 = 0
exit
