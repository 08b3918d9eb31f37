# what: ctx narrow read protocol
# type: tc
r0 = *(u16 *)(r1 + 16)
exit
