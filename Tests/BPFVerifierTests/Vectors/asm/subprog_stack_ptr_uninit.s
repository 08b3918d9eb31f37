# what: the callee reads a caller stack slot that was never written
# type: tc

r1 = r10
r1 += -0x8
call fn
exit
fn:
r0 = *(u64 *)(r1 + 0x0)
exit
