// From the network layer back to a link header, for a packet leaving through a device (or into
// a file) of another link type than the one it came from: RAW in, EN10MB out gets a synthetic
// Ethernet header; EN10MB in, RAW out loses its header. What each link type gets:
//
//   EN10MB      destination, source (``SyntheticLinkHeader``), [tags], EtherType (≥ 0x0600 only)
//   LINUX_SLL   sll_pkttype, ARPHRD_ETHER (1), halen 6, source address + 2 zero bytes, [tags], protocol
//   LINUX_SLL2  protocol, 0, ifindex, ARPHRD_ETHER (1), sll_pkttype, halen 6, source + 2 zero bytes, [tags]
//   NULL        AF_INET 2 / AF_INET6 24, this host's byte order (the file's order when written here)
//   LOOP        AF_INET 2 / AF_INET6 24, network order
//   RAW         nothing (IPv4 or IPv6 only)
//   IPV4, IPV6  nothing (that IP version only)

public import PacketBuffer

/// The fields a synthetic link header needs that the network layer does not provide. Defaults
/// are locally administered unicast addresses, no VLAN tag, `PACKET_HOST`, ifindex 0.
public struct SyntheticLinkHeader: Hashable, Sendable {
    /// Ethernet destination (EN10MB only). Default `02:00:00:00:00:02`.
    public var destination = EthernetAddress(0x02, 0, 0, 0, 0, 0x02)
    /// Ethernet source, also the cooked headers' link-layer address. Default `02:00:00:00:00:01`.
    public var source = EthernetAddress(0x02, 0, 0, 0, 0, 0x01)
    /// VLAN tags to insert after an Ethernet or cooked header: outer first (up to two).
    public var outerVLANTag: VLANTag?
    public var innerVLANTag: VLANTag?
    /// `sll_pkttype` (LINUX_SLL, LINUX_SLL2).
    public var packetType = PacketType.host
    /// `sll2_if_index` (LINUX_SLL2).
    public var interfaceIndex: UInt32 = 0

    public init() {}

    var vlanTagCount: Int { (outerVLANTag == nil ? 0 : 1) + (innerVLANTag == nil ? 0 : 1) }
}

extension LinkLayer {
    /// `ARPHRD_ETHER`: the hardware type written in synthetic cooked headers.
    static let hardwareTypeEthernet: UInt16 = 1
    /// The AF_INET6 value written in synthetic NULL/LOOP headers (BSD's; libpcap and tcpdump
    /// accept it alongside FreeBSD's 28 and Darwin's 30).
    static let addressFamilyIPv6Written: UInt32 = 24

    /// Bytes of the header ``writeHeader(networkProtocol:options:to:)`` writes for
    /// `networkProtocol`.
    /// - Throws: ``LinkLayerError/unsupportedLinkType(_:)``,
    ///   ``LinkLayerError/unsupportedProtocol(_:linkType:)`` when this link type cannot carry it.
    public func headerLength(
        networkProtocol: EtherType, options: SyntheticLinkHeader = SyntheticLinkHeader()
    ) throws(LinkLayerError) -> Int {
        let tags = 4 * options.vlanTagCount
        switch linkType {
        case .ethernet:
            guard networkProtocol.rawValue >= 0x0600 else {
                throw .unsupportedProtocol(networkProtocol, linkType: linkType)
            }
            return 14 + tags
        case .linuxSLL: return 16 + tags
        case .linuxSLL2: return 20 + tags
        case .null, .loop, .raw:
            guard networkProtocol == .ipv4 || networkProtocol == .ipv6 else {
                throw .unsupportedProtocol(networkProtocol, linkType: linkType)
            }
            return linkType == .raw ? 0 : 4
        case .ipv4, .ipv6:
            guard networkProtocol == (linkType == .ipv4 ? .ipv4 : .ipv6) else {
                throw .unsupportedProtocol(networkProtocol, linkType: linkType)
            }
            return 0
        case .other: throw .unsupportedLinkType(linkType)
        }
    }

    /// Writes a synthetic link header for a `networkProtocol` packet at the start of
    /// `destination` and returns its length (see the table at the top of this file for what is
    /// synthesised per link type; nothing is copied from any earlier header).
    /// - Throws: as ``headerLength(networkProtocol:options:)``, and
    ///   ``LinkLayerError/insufficientHeadroom(needed:available:)`` when `destination` is shorter.
    /// - Complexity: O(1); allocates nothing.
    @discardableResult
    public func writeHeader(
        networkProtocol: EtherType, options: SyntheticLinkHeader = SyntheticLinkHeader(),
        to destination: UnsafeMutableRawBufferPointer
    ) throws(LinkLayerError) -> Int {
        let length = try headerLength(networkProtocol: networkProtocol, options: options)
        guard length <= destination.count else {
            throw .insufficientHeadroom(needed: length, available: destination.count)
        }
        guard length > 0, let p = destination.baseAddress else { return length }
        func be16(_ value: UInt16, _ offset: Int) {
            p.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        }
        // Tags, then the protocol they carry: the TPID goes in the protocol field before them.
        func tagged(protocolAt protocolOffset: Int, tagsAt offset: Int) {
            var offset = offset
            var field = protocolOffset
            func put(_ tag: VLANTag?) {
                guard let tag else { return }
                be16(tag.tagProtocol.rawValue, field)
                be16(tag.tci, offset)
                field = offset + 2
                offset += 4
            }
            put(options.outerVLANTag)
            put(options.innerVLANTag)
            be16(networkProtocol.rawValue, field)
        }
        switch linkType {
        case .ethernet:
            options.destination.store(to: p)
            options.source.store(to: p + 6)
            tagged(protocolAt: 12, tagsAt: 14)
        case .linuxSLL:
            be16(UInt16(options.packetType.rawValue), 0)
            be16(Self.hardwareTypeEthernet, 2)
            be16(6, 4)
            options.source.store(to: p + 6)
            be16(0, 12)
            tagged(protocolAt: 14, tagsAt: 16)
        case .linuxSLL2:
            be16(0, 2)
            p.storeBytes(of: options.interfaceIndex.bigEndian, toByteOffset: 4, as: UInt32.self)
            be16(Self.hardwareTypeEthernet, 8)
            p.storeBytes(of: options.packetType.rawValue, toByteOffset: 10, as: UInt8.self)
            p.storeBytes(of: 6 as UInt8, toByteOffset: 11, as: UInt8.self)
            options.source.store(to: p + 12)
            be16(0, 18)
            tagged(protocolAt: 0, tagsAt: 20)
        case .null, .loop:
            let family = networkProtocol == .ipv4 ? Self.addressFamilyIPv4 : Self.addressFamilyIPv6Written
            p.storeBytes(of: linkType == .loop ? family.bigEndian : family, as: UInt32.self)
        case .raw, .ipv4, .ipv6, .other:
            break  // no header (or rejected by headerLength)
        }
        return length
    }

    /// Pushes a synthetic link header (``writeHeader(networkProtocol:options:to:)``) in front of
    /// the network-layer packet `skb` holds and sets the MAC header at the new `data`, the
    /// network header after the link header and `mac_len`, as `dev_hard_header()` +
    /// `skb_reset_mac_header()` leave an outgoing packet. `skb->protocol` is left as it is (the
    /// network layer's). Mirrors `skb_push()` + `eth_header()` for EN10MB.
    /// - Throws: as ``headerLength(networkProtocol:options:)``, and
    ///   ``LinkLayerError/insufficientHeadroom(needed:available:)`` (changing nothing).
    @discardableResult
    public func pushHeader(
        onto skb: SkBuff, networkProtocol: EtherType, options: SyntheticLinkHeader = SyntheticLinkHeader()
    ) throws(LinkLayerError) -> Int {
        let length = try headerLength(networkProtocol: networkProtocol, options: options)
        guard let start = skb.tryPush(length) else {
            throw .insufficientHeadroom(needed: length, available: skb.headroom)
        }
        try writeHeader(
            networkProtocol: networkProtocol, options: options,
            to: UnsafeMutableRawBufferPointer(start: start, count: length))
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: length)
        skb.resetMacLength()
        return length
    }
}
