# what: a tc program calls bpf_get_current_pid_tgid (14), in the base helper set
# type: tc

call 14
r0 = 0
exit
