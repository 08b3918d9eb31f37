# what: helper store bytes sk filter
# type: socket_filter
r2 = 0
r3 = r10
r3 += -8
r4 = 0
*(u64 *)(r10 - 8) = r4
r4 = 4
r5 = 0
call 9
r0 = 0
exit
