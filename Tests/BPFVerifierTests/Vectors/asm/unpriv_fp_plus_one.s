# what: the frame pointer moved past the top of the stack (no access): an unprivileged loader cannot mask it
# type: tc

r1 = r10
r1 += 1
r0 = 0
exit
