# what: the callee writes through a pointer to the caller's stack, the caller reads it back
# type: tc

r1 = r10
r1 += -0x8
call fn
r0 = *(u64 *)(r10 - 0x8)
exit
fn:
r2 = 3
*(u64 *)(r1 + 0x0) = r2
r0 = 0
exit
