# what: reads R2, which a tc program never receives
# type: tc

r0 = r2
exit
