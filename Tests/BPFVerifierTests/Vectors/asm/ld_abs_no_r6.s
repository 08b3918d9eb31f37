# what: ld abs no r6
# type: tc
r0 = *(u8 *)skb[23]
exit
