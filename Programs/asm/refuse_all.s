# refuse_all: a socket filter that keeps 0 bytes of every packet, so sk_filter refuses it
# (attached at the socket hook, where a socket filter's return value is the length to keep).
	r0 = 0
	exit
