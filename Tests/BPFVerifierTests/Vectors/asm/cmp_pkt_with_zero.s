# what: a packet pointer compared with 0 (the kernel walks both ways; an unprivileged loader may not compare it)
# type: tc

r1 = *(u32 *)(r1 + 76)
r0 = 0
if r1 == 0 goto out
r0 = 1
out:
exit
