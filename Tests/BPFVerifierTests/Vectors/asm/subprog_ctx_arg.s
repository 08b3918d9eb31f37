# what: passes the context to a subprogram that reads skb->mark
# type: tc

call fn
exit
fn:
r0 = *(u32 *)(r1 + 0x8)
exit
