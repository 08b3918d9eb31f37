# what: a checked packet pointer stays valid across a helper that does not touch the packet
# type: tc

r7 = *(u32 *)(r1 + 0x4c)
r3 = *(u32 *)(r1 + 0x50)
r0 = 0
r4 = r7
r4 += 0xe
if r4 > r3 goto out
call 5
r0 = *(u8 *)(r7 + 0x0)
out:
exit
