# what: sign-extending 32-bit load of skb->mark
# type: tc

r0 = *(s32 *)(r1 + 0x8)
exit
