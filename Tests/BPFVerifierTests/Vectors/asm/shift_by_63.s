# what: 64-bit left shift by the constant 63 (largest valid)
# type: tc

r0 = 1
r0 <<= 63
r0 >>= 63
exit
