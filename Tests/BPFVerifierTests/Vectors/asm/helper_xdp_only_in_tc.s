# what: a tc program calls bpf_xdp_adjust_head (44), an XDP-only helper
# type: tc

r2 = 0
call 44
r0 = 0
exit
