// PacketIO: pcap/pcapng files through libpcap, and (later) live TUN devices.
