# what: LD_ABS with R6 not holding the context
# type: tc

r6 = 0
r0 = *(u8 *)skb[0x0]
exit
