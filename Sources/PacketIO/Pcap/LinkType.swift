// Link-layer header types: libpcap's `DLT_*` values (pcap/dlt.h), which `pcap_datalink(3)`
// reports for a file and `pcap_open_dead(3)` takes for a new one. Files store `LINKTYPE_*`
// values (https://www.tcpdump.org/linktypes.html); libpcap maps between the two, and they differ
// only for a few types, of which RAW matters here: files say LINKTYPE_RAW (101), Linux libpcap
// reports DLT_RAW (12), and writes 101 back.

internal import CPcap

/// The link-layer header type of a capture, by its libpcap `DLT_*` value.
///
/// The cases name the types ``LinkLayer`` can parse and synthesise; any other value is
/// ``other(_:)``. `LinkType(rawValue:)` never fails, and maps LINKTYPE_RAW (101) to ``raw`` as
/// libpcap does, so `LinkType(rawValue: x).rawValue` is `x` for everything except 101 (→ 12).
public enum LinkType: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    /// `DLT_NULL` (0): BSD loopback; a 4-byte address family in the capturing host's byte order.
    case null
    /// `DLT_EN10MB` (1): Ethernet II / 802.3 (any speed).
    case ethernet
    /// `DLT_RAW` (12; `LINKTYPE_RAW` 101 in files): an IPv4 or IPv6 packet, no link header.
    case raw
    /// `DLT_LOOP` (108): OpenBSD loopback; a 4-byte address family in network byte order.
    case loop
    /// `DLT_LINUX_SLL` (113): Linux "cooked" capture v1, a 16-byte pseudo-header.
    case linuxSLL
    /// `DLT_IPV4` (228): an IPv4 packet, no link header.
    case ipv4
    /// `DLT_IPV6` (229): an IPv6 packet, no link header.
    case ipv6
    /// `DLT_LINUX_SLL2` (276): Linux "cooked" capture v2, a 20-byte pseudo-header.
    case linuxSLL2
    /// Any other `DLT_*` value (PPP 9, C_HDLC 104, IEEE802_11_RADIO 127…).
    case other(Int32)

    /// `DLT_RAW` on Linux (OpenBSD's 14 is not recognised: it is another type elsewhere).
    static let dltRaw: Int32 = 12
    /// `LINKTYPE_RAW`: the value pcap files hold for raw IP.
    static let linktypeRaw: Int32 = 101

    /// The type for a `DLT_*` (or `LINKTYPE_RAW`) value; never fails.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .null
        case 1: self = .ethernet
        case Self.dltRaw, Self.linktypeRaw: self = .raw
        case 108: self = .loop
        case 113: self = .linuxSLL
        case 228: self = .ipv4
        case 229: self = .ipv6
        case 276: self = .linuxSLL2
        default: self = .other(rawValue)
        }
    }

    /// The `DLT_*` value (what `pcap_datalink(3)` returns and `pcap_open_dead(3)` takes).
    public var rawValue: Int32 {
        switch self {
        case .null: 0
        case .ethernet: 1
        case .raw: Self.dltRaw
        case .loop: 108
        case .linuxSLL: 113
        case .ipv4: 228
        case .ipv6: 229
        case .linuxSLL2: 276
        case .other(let value): value
        }
    }

    /// libpcap's name without the `DLT_` prefix (`EN10MB`, `RAW`, `LINUX_SLL2`), or the number
    /// when libpcap has no name for it. The corresponding C function is `pcap_datalink_val_to_name(3)`.
    public var name: String {
        guard let name = pcap_datalink_val_to_name(rawValue) else { return "\(rawValue)" }
        return String(cString: name)
    }

    /// `NAME (value)`, as the corpus tables print it: `EN10MB (1)`.
    public var description: String { "\(name) (\(rawValue))" }
}
