# what: sign-extending loads from an initialised stack slot
# type: tc

r2 = 0xff
*(u64 *)(r10 - 0x8) = r2
r0 = *(s8 *)(r10 - 0x8)
r0 = *(s16 *)(r10 - 0x8)
r0 = *(s32 *)(r10 - 0x8)
exit
