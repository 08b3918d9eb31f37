# what: after `if i < 16 goto ok`, the fall-through (i >= 16) branch uses the index
# type: tc

r4 = 0
*(u64 *)(r10 - 0x10) = r4
*(u64 *)(r10 - 0x8) = r4
r0 = 0
r2 = *(u32 *)(r1 + 0x0)
if r2 < 0x10 goto ok
r4 = r10
r4 += -0x10
r4 += r2
r0 = *(u8 *)(r4 + 0x0)
ok:
exit
