# what: return ctx pointer
# type: tc
r0 = r1
exit
