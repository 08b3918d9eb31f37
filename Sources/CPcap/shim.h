// The system libpcap (Debian's libpcap-dev), for pcap and pcapng files.
#include <pcap/pcap.h>
