# what: BPF_ST (store of an immediate) into skb->mark
# type: tc

*(u32 *)(r1 + 0x8) = 7
r0 = 0
exit
