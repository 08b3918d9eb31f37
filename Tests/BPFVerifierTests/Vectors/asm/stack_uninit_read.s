# what: stack uninit read
# type: tc
r0 = *(u64 *)(r10 - 8)
exit
