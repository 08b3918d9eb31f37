# what: a tc program calls bpf_probe_read_kernel (113) into an 8-byte stack buffer
# type: tc

r1 = r10
r1 += -0x8
r2 = 8
r3 = 0
call 113
r0 = 0
exit
