# what: return uninit
# type: tc
exit
