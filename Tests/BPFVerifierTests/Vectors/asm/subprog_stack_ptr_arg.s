# what: passes a pointer to an initialised caller stack slot; the callee reads it
# type: tc

r2 = 42
*(u64 *)(r10 - 0x8) = r2
r1 = r10
r1 += -0x8
call fn
exit
fn:
r0 = *(u64 *)(r1 + 0x0)
exit
