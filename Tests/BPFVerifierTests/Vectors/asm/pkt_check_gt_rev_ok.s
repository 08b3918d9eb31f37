# what: checks data_end > data + 14, taken branch and reads the last proven byte (offset 14)
# type: tc

r2 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r2
r4 += 0xe
if r3 > r4 goto ok
exit
ok:
r0 = *(u8 *)(r2 + 0xe)
exit
