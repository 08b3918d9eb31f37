# what: an unconditional jump skips an instruction that nothing else reaches
# type: tc

r0 = 0
goto +1
r0 = 1
exit
