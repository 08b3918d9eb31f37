# what: signed checks on both ends (0 <= i <= 15) make the index safe
# type: tc

r3 = 0
*(u64 *)(r10 - 0x10) = r3
*(u64 *)(r10 - 0x8) = r3
call 7
r0 <<= 32
r0 s>>= 32
if r0 s> 0xf goto out
if r0 s< 0x0 goto out
r4 = r10
r4 += -0x10
r4 += r0
r0 = *(u8 *)(r4 + 0x0)
out:
r0 = 0
exit
