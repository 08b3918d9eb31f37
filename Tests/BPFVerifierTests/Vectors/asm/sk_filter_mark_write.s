# what: sk filter mark write
# type: socket_filter
r2 = 7
*(u32 *)(r1 + 8) = r2
r0 = 0
exit
