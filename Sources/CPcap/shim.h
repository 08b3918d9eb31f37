// The system libpcap (Debian's libpcap-dev), for pcap and pcapng files.
#include <pcap/pcap.h>
// __fsetlocking(3): PacketIO's file streams belong to one reader or writer at a time, so
// libpcap's fread/fwrite on them need not take the stream lock (see Internals/Syscalls.swift).
#include <stdio_ext.h>
