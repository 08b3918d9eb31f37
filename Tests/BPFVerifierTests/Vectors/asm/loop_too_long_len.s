# what: a loop bounded only by the 32-bit skb->len never converges
# type: tc

r2 = *(u32 *)(r1 + 0x0)
r0 = 0
loop:
r0 += 1
if r0 < r2 goto loop
exit
