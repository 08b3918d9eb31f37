# what: a branch decided by a constant skips a load through a scalar: the kernel walks the skipped side only speculatively (unprivileged) and fences the load
# type: tc

r1 = 5
if r1 == 5 goto ok
r0 = *(u64 *)(r1 + 0)
ok:
r0 = 0
exit
