# what: a loop bounded by skb->len & 15
# type: tc

r2 = *(u32 *)(r1 + 0x0)
r2 &= 0xf
r0 = 0
loop:
if r0 >= r2 goto done
r0 += 1
goto loop
done:
exit
