# what: the callee reads 8 bytes above the caller's frame pointer via the passed pointer
# type: tc

r2 = 1
*(u64 *)(r10 - 0x8) = r2
r1 = r10
r1 += -0x8
call fn
exit
fn:
r0 = *(u64 *)(r1 + 0x8)
exit
