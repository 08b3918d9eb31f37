# what: a loop loading one packet byte per round with bpf_skb_load_bytes into fp-8 until a zero byte (at most 8): the helper's first store into the stack gets a Spectre v4 barrier, where the mispredicted exit of the loop ends
# type: tc

r6 = r1
r7 = 0
r0 = 0
loop:
r1 = r6
r2 = r7
r3 = r10
r3 += -8
r4 = 1
call 26
if r0 != 0 goto out
r2 = *(u8 *)(r10 - 8)
if r2 == 0 goto out
r7 += 1
if r7 < 8 goto loop
out:
r0 = 0
exit
