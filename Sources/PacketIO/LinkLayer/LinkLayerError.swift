/// Why ``LinkLayer`` cannot parse a packet's link header or build one. Input problems are
/// answers, never traps: the replay counts and skips such packets.
public enum LinkLayerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ``LinkLayer`` has no parser or builder for this link type (PPP, 802.11…).
    case unsupportedLinkType(LinkType)
    /// The captured bytes end before the header does: `needed` bytes, `captured` present.
    case headerTooShort(linkType: LinkType, needed: Int, captured: Int)
    /// A RAW packet's version nibble is neither 4 nor 6.
    case unknownIPVersion(UInt8)
    /// A NULL or LOOP header names an address family other than AF_INET (2) and the AF_INET6
    /// values libpcap accepts (24, 28, 30).
    case unsupportedAddressFamily(UInt32, linkType: LinkType)
    /// Building: this link type cannot carry this protocol (ARP on RAW, an 802.3 length on
    /// Ethernet, IPv6 on IPV4).
    case unsupportedProtocol(EtherType, linkType: LinkType)
    /// Building: the header does not fit in front of the packet.
    case insufficientHeadroom(needed: Int, available: Int)

    public var description: String {
        switch self {
        case .unsupportedLinkType(let type): "link type \(type) is not supported"
        case .headerTooShort(let type, let needed, let captured):
            "\(type.name) header needs \(needed) bytes, only \(captured) captured"
        case .unknownIPVersion(let version): "IP version \(version) is neither 4 nor 6"
        case .unsupportedAddressFamily(let family, let type):
            "\(type.name) address family \(family) is neither AF_INET (2) nor AF_INET6 (24, 28, 30)"
        case .unsupportedProtocol(let proto, let type): "\(type.name) cannot carry protocol \(proto)"
        case .insufficientHeadroom(let needed, let available):
            "link header needs \(needed) bytes of headroom, only \(available) available"
        }
    }
}
