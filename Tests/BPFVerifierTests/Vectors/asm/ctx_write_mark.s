# what: ctx write mark
# type: tc
r2 = 7
*(u32 *)(r1 + 8) = r2
r0 = 0
exit
