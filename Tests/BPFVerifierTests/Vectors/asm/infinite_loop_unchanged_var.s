# what: a back-edge taken while an unmodified ctx-derived value is > 5
# type: tc

r0 = 0
r2 = *(u32 *)(r1 + 0x0)
loop:
if r2 > 0x5 goto loop
exit
