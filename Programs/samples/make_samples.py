#!/usr/bin/env python3
"""make_samples.py - build the sample Ethernet frames under Programs/samples.

Every .bin in this folder comes from this script (standard library only), so the frames are
reproducible and their checksums are right by construction:

    python3 Programs/samples/make_samples.py            # (re)write every sample
    python3 Programs/samples/make_samples.py --check    # verify the files match, write nothing
    python3 Programs/samples/make_samples.py --list     # name, size and description

The addresses follow one small test network: 10.0.0.1 (client, MAC 02:00:00:00:00:01) talks
to 10.0.0.2 (server, MAC 02:00:00:00:00:02); IPv6 clients are 2001:db8::1 and NAT64
destinations live in 64:ff9b::/96. samples/README.md says which frame suits which program.
"""

import argparse
import ipaddress
import os
import struct
import sys

CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
CLIENT4, SERVER4 = "10.0.0.1", "10.0.0.2"
CLIENT6 = "2001:db8::1"

ETH_P_IP, ETH_P_ARP, ETH_P_8021Q, ETH_P_IPV6, ETH_P_8021AD = 0x0800, 0x0806, 0x8100, 0x86DD, 0x88A8
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


# ------------------------------------------------------------------ checksums

def ones_sum(data):
    """The 16-bit one's-complement sum of big-endian words (odd length padded with 0)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def checksum(data):
    return ~ones_sum(data) & 0xFFFF


def ip4(a):
    return ipaddress.IPv4Address(a).packed


def ip6(a):
    return ipaddress.IPv6Address(a).packed


# ------------------------------------------------------------------ layers

def eth(payload, proto, dst=SERVER_MAC, src=CLIENT_MAC, tags=()):
    """Ethernet header; `tags` is a list of (TPID, TCI) from the outermost in."""
    out = dst + src
    for tpid, tci in tags:
        out += struct.pack("!HH", tpid, tci)
    return out + struct.pack("!H", proto) + payload


def ipv4(payload, proto, src=CLIENT4, dst=SERVER4, ttl=64, ident=0x1234, flags_frag=0x4000,
         options=b"", tos=0, total_len=None):
    ihl = 5 + len(options) // 4
    assert len(options) % 4 == 0
    tot = total_len if total_len is not None else ihl * 4 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, tot, ident, flags_frag, ttl, proto, 0,
                      ip4(src), ip4(dst)) + options
    c = checksum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, proto)


def tcp(sport, dport, flags, payload=b"", seq=1, ack=0, window=0xFFFF, pseudo=None):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, window, 0, 0)
    c = checksum(pseudo(TCP, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(sport, dport, payload, pseudo=None, no_checksum=False):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = 0 if no_checksum else checksum(pseudo(UDP, length) + hdr + payload)
    if c == 0 and not no_checksum:
        c = 0xFFFF  # RFC 768: a computed zero is sent as all ones
    return hdr[:6] + struct.pack("!H", c) + payload


def icmp_echo(ident, seq, data, type_=8, pseudo=None):
    """ICMP (pseudo=None) or ICMPv6 (pseudo given) echo message."""
    hdr = struct.pack("!BBHHH", type_, 0, 0, ident, seq)
    pre = pseudo(len(hdr) + len(data)) if pseudo else b""
    c = checksum(pre + hdr + data)
    return hdr[:2] + struct.pack("!H", c) + hdr[4:] + data


def dns_query(name, ident=0xABCD, qtype=1, flags=0x0100):
    q = b""
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", qtype, 1)
    return struct.pack("!HHHHHH", ident, flags, 1, 0, 0, 0) + q


# ------------------------------------------------------------------ frames

def v4_tcp(sport, dport, flags, payload=b"", src=CLIENT4, dst=SERVER4, options=b"", **kw):
    seg = tcp(sport, dport, flags, payload, pseudo=lambda p, n: pseudo4(src, dst, p, n), **kw)
    return eth(ipv4(seg, TCP, src, dst, options=options), ETH_P_IP)


def v4_udp(sport, dport, payload, src=CLIENT4, dst=SERVER4, no_checksum=False, tags=(), **ipkw):
    dg = udp(sport, dport, payload, pseudo=lambda p, n: pseudo4(src, dst, p, n), no_checksum=no_checksum)
    return eth(ipv4(dg, UDP, src, dst, **ipkw), ETH_P_IP, tags=tags)


def v6(payload, nexthdr, src, dst, hop_limit=64, traffic_class=0):
    hdr = struct.pack("!IHBB16s16s", (6 << 28) | (traffic_class << 20), len(payload), nexthdr, hop_limit,
                      ip6(src), ip6(dst))
    return eth(hdr + payload, ETH_P_IPV6)


def v6_udp(sport, dport, payload, src=CLIENT6, dst="64:ff9b::a00:2"):
    return v6(udp(sport, dport, payload, pseudo=lambda p, n: pseudo6(src, dst, p, n)), UDP, src, dst)


def v6_tcp(sport, dport, flags, src=CLIENT6, dst="64:ff9b::a00:2"):
    return v6(tcp(sport, dport, flags, pseudo=lambda p, n: pseudo6(src, dst, p, n)), TCP, src, dst)


def v6_icmp_echo(ident, seq, data, src=CLIENT6, dst="64:ff9b::a00:2", type_=128, **kw):
    msg = icmp_echo(ident, seq, data, type_=type_, pseudo=lambda n: pseudo6(src, dst, ICMPV6, n))
    return v6(msg, ICMPV6, src, dst, **kw)


def http_get():
    lines = [
        "GET /index.html HTTP/1.1",
        "Host: server.example",
        "User-Agent: skbpf-sample/1.0 (a request long enough to cross the 256-byte scan limit)",
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language: en-GB,en;q=0.7",
        "Accept-Encoding: gzip, deflate",
        "Cookie: session=0123456789abcdef0123456789abcdef",
        "Connection: keep-alive",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def pattern_payload(total, at, pattern=b"EVIL"):
    """`total` bytes of printable filler with `pattern` starting at byte `at`."""
    filler = bytes((0x61 + (i % 26)) for i in range(total))   # a..z repeated: no pattern in it
    return filler[:at] + pattern + filler[at + len(pattern):total]


def dnat_csum0_udp():
    """A UDP datagram to 10.0.0.2:53 whose checksum, after the dnat program rewrites the
    destination to 10.0.1.53:5353, folds to zero: the kernel then writes 0xffff
    (BPF_F_MARK_MANGLED_0). Found by trying the two-byte value at the payload's end."""
    base = dns_query("example.org")
    for v in range(0x10000):
        payload = base + struct.pack("!H", v)
        dg = udp(53001, 53, payload, pseudo=lambda p, n: pseudo4(CLIENT4, SERVER4, p, n))
        if dg[6:8] == b"\0\0" or dg[6:8] == b"\xff\xff":
            continue
        new = bytearray(dg)
        struct.pack_into("!H", new, 2, 5353)
        struct.pack_into("!H", new, 6, 0)
        if ones_sum(pseudo4(CLIENT4, "10.0.1.53", UDP, len(new)) + bytes(new)) == 0xFFFF:
            return eth(ipv4(dg, UDP), ETH_P_IP)
    raise SystemExit("no payload value makes the DNAT checksum zero")


def arp_request():
    body = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 1) + CLIENT_MAC + ip4(CLIENT4) + bytes(6) + ip4(SERVER4)
    return eth(body, ETH_P_ARP, dst=b"\xff" * 6)


SAMPLES = [
    # name, description, builder
    ("tcp_syn_port80", "IPv4 10.0.0.1:40000 -> 10.0.0.2:80, TCP SYN, no options",
     lambda: v4_tcp(40000, 80, SYN)),
    ("udp_dns_query", "IPv4 10.0.0.1:53000 -> 10.0.0.2:53, UDP, DNS query example.com A",
     lambda: v4_udp(53000, 53, dns_query("example.com"))),
    ("icmp_echo", "IPv4 10.0.0.1 -> 10.0.0.2, ICMP echo request id 0x77 seq 1, 16 data bytes",
     lambda: eth(ipv4(icmp_echo(0x77, 1, b"skbpf-ping-data!"), ICMP), ETH_P_IP)),
    ("tcp_syn_port22", "IPv4 10.0.0.1:40001 -> 10.0.0.2:22, TCP SYN (ssh)",
     lambda: v4_tcp(40001, 22, SYN)),
    ("tcp_syn_port23", "IPv4 10.0.0.3:40002 -> 10.0.0.2:23, TCP SYN (telnet)",
     lambda: v4_tcp(40002, 23, SYN, src="10.0.0.3")),
    ("tcp_http_get", "IPv4 10.0.0.1:40003 -> 10.0.0.2:80, TCP PSH|ACK with a 349-byte HTTP GET request",
     lambda: v4_tcp(40003, 80, PSH | ACK, http_get(), seq=1001, ack=2001)),
    ("tcp_pattern", "IPv4 10.0.0.1:40004 -> 10.0.0.2:8080, TCP PSH|ACK, 120 payload bytes, \"EVIL\" at payload offset 100",
     lambda: v4_tcp(40004, 8080, PSH | ACK, pattern_payload(120, 100), seq=5, ack=7)),
    ("udp_pattern_late", "IPv4 10.0.0.1:5000 -> 10.0.0.2:6000, UDP, 400 payload bytes, \"EVIL\" at payload offset 300 (past a 256-byte scan)",
     lambda: v4_udp(5000, 6000, pattern_payload(400, 300))),
    ("udp_pattern_edge", "IPv4 10.0.0.1:5002 -> 10.0.0.2:6000, UDP, 300 payload bytes, \"EVIL\" at payload offset 255 (the last position a 256-byte scan tries)",
     lambda: v4_udp(5002, 6000, pattern_payload(300, 255))),
    ("udp_dns_blocked", "IPv4 10.0.0.1:53002 -> 10.0.0.2:53, DNS query blocked.example A",
     lambda: v4_udp(53002, 53, dns_query("blocked.example", ident=0x1111))),
    ("udp_dns_blocked_case", "IPv4 10.0.0.1:53003 -> 10.0.0.2:53, DNS query BLOCKED.Example AAAA (mixed case)",
     lambda: v4_udp(53003, 53, dns_query("BLOCKED.Example", ident=0x2222, qtype=28))),
    ("udp_dns_subdomain", "IPv4 10.0.0.1:53004 -> 10.0.0.2:53, DNS query www.blocked.example A (not an exact match)",
     lambda: v4_udp(53004, 53, dns_query("www.blocked.example", ident=0x3333))),
    ("udp_dns_ads", "IPv4 10.0.0.4:53005 -> 10.0.0.2:53, DNS query ads.example.net A (second blocklist entry)",
     lambda: v4_udp(53005, 53, dns_query("ads.example.net", ident=0x4444), src="10.0.0.4")),
    ("udp_dns_tracker", "IPv4 10.0.0.1:53009 -> 10.0.0.2:53, DNS query Tracker.Example.ORG A (third blocklist entry, 19 characters)",
     lambda: v4_udp(53009, 53, dns_query("Tracker.Example.ORG", ident=0x5555))),
    ("udp_dns_response", "IPv4 10.0.0.2:53 -> 10.0.0.1:53000, DNS *response* header (QR=1) for blocked.example",
     lambda: v4_udp(53, 53000, dns_query("blocked.example", flags=0x8180), src=SERVER4, dst=CLIENT4)),
    ("udp_nocsum", "IPv4 10.0.0.1:53006 -> 10.0.0.2:53, UDP without checksum (0), DNS query example.net",
     lambda: v4_udp(53006, 53, dns_query("example.net"), no_checksum=True)),
    ("udp_dnat_csum0", "IPv4 10.0.0.1:53001 -> 10.0.0.2:53, UDP whose checksum becomes 0 after dnat (so 0xffff is written)",
     dnat_csum0_udp),
    ("udp_from_doc_net", "IPv4 192.0.2.7:5000 -> 10.0.0.2:5001, UDP 8 bytes (source in a blocked documentation net)",
     lambda: v4_udp(5000, 5001, b"8 bytes!", src="192.0.2.7")),
    ("udp_ttl1", "IPv4 10.0.0.1:5003 -> 10.0.0.2:33434, UDP with TTL 1 (a traceroute probe), 12 bytes",
     lambda: v4_udp(5003, 33434, b"traceroute!!", ttl=1)),
    ("udp_ssdp", "IPv4 10.0.0.1:5004 -> 239.255.255.250:1900, UDP SSDP M-SEARCH (to a multicast MAC)",
     lambda: eth(ipv4(udp(5004, 1900, b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n",
                               pseudo=lambda p, n: pseudo4(CLIENT4, "239.255.255.250", p, n)),
                          UDP, dst="239.255.255.250", ttl=4), ETH_P_IP, dst=bytes.fromhex("01005e7ffffa"))),
    ("ipv4_fragment", "IPv4 10.0.0.1 -> 10.0.0.2, UDP, a non-first fragment (offset 185*8), 16 bytes",
     lambda: eth(ipv4(b"fragment-payload", UDP, flags_frag=185), ETH_P_IP)),
    ("tcp_ipopts_port22", "IPv4 with 4 bytes of options (ihl 6) 10.0.0.5:40005 -> 10.0.0.2:22, TCP SYN",
     lambda: v4_tcp(40005, 22, SYN, src="10.0.0.5", options=b"\x01\x01\x01\x00")),
    ("truncated_tcp", "tcp_syn_port80 cut after 4 bytes of the TCP header (38 bytes; IPv4 total length still says 40)",
     lambda: v4_tcp(40000, 80, SYN)[:38]),
    ("arp_request", "ARP who-has 10.0.0.2 tell 10.0.0.1, broadcast",
     arp_request),
    ("vlan_tcp_syn", "802.1Q VID 100 PCP 3 / IPv4 10.0.0.1:40006 -> 10.0.0.2:80, TCP SYN",
     lambda: eth(v4_tcp(40006, 80, SYN)[14:], ETH_P_IP, tags=[(ETH_P_8021Q, (3 << 13) | 100)])),
    ("qinq_udp_dns", "802.1ad VID 200 / 802.1Q VID 100 / IPv4 10.0.0.1:53007 -> 10.0.0.2:53, DNS query example.com",
     lambda: v4_udp(53007, 53, dns_query("example.com"), tags=[(ETH_P_8021AD, 200), (ETH_P_8021Q, 100)])),
    ("ipv6_icmp6_echo", "IPv6 2001:db8::1 -> 64:ff9b::a00:2 (NAT64 for 10.0.0.2), ICMPv6 echo request id 0x77 seq 1, 16 data bytes",
     lambda: v6_icmp_echo(0x77, 1, b"skbpf-ping-data!")),
    ("ipv6_icmp6_reply_tc", "IPv6 2001:db8::1 -> 64:ff9b::c633:6401 (198.51.100.1), ICMPv6 echo reply, traffic class 0xb8, hop limit 7",
     lambda: v6_icmp_echo(0x78, 9, b"reply", dst="64:ff9b::c633:6401", type_=129, traffic_class=0xB8, hop_limit=7)),
    ("ipv6_udp_dns", "IPv6 2001:db8::1:53008 -> [64:ff9b::a00:2]:53, UDP, DNS query example.com",
     lambda: v6_udp(53008, 53, dns_query("example.com"))),
    ("ipv6_tcp_syn", "IPv6 2001:db8::1:40007 -> [64:ff9b::a00:2]:80, TCP SYN",
     lambda: v6_tcp(40007, 80, SYN)),
    ("ipv6_native_udp", "IPv6 2001:db8::1:5000 -> [2001:db8::2]:5001, UDP 8 bytes (not a NAT64 address)",
     lambda: v6_udp(5000, 5001, b"8 bytes!", dst="2001:db8::2")),
]


def build_all():
    return [(name, desc, fn()) for name, desc, fn in SAMPLES]


def capture(frames):
    """Every sample in one classic pcap (EN10MB, microseconds), 1 ms apart from 2024-01-01:
    the bundled input of `skbpf replay` (make demo)."""
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    for i, frame in enumerate(frames):
        out += struct.pack("<IIII", 1704067200, i * 1000, len(frame), len(frame)) + frame
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build the sample frames of Programs/samples.")
    ap.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    ap.add_argument("--list", action="store_true", help="print name, size and description")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    bad = 0
    built = build_all()
    outputs = [(name + ".bin", desc, frame) for name, desc, frame in built]
    outputs.append(("samples.pcap", "every sample above, in one capture", capture([f for _, _, f in built])))
    for name, desc, frame in outputs:
        path = os.path.join(args.out, name)
        if args.list:
            print("%-22s %4d  %s" % (name, len(frame), desc))
        elif args.check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == frame
            except OSError:
                same = False
            if not same:
                print("differs: %s" % path)
                bad += 1
        else:
            with open(path, "wb") as f:
                f.write(frame)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
