# what: the context compared with 0, and the branch the kernel still walks returns an uninitialised register
# type: tc

r0 = 0
if r1 != 0 goto out
r0 = r5
out:
exit
