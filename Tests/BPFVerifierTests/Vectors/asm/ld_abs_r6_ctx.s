# what: ld abs r6 ctx
# type: tc
r6 = r1
r0 = *(u8 *)skb[23]
exit
