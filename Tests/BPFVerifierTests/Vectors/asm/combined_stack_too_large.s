# what: caller uses 512 bytes of stack and calls a subprogram that uses 8 more
# type: tc

r1 = 0
*(u64 *)(r10 - 0x200) = r1
call fn
exit
fn:
r1 = 0
*(u64 *)(r10 - 0x8) = r1
r0 = 0
exit
