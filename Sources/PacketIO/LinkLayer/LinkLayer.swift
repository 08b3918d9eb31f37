// From a captured frame to the network layer: which protocol (`skb->protocol`) and where its
// header starts, for each link type a replay can take packets from.
//
//   EN10MB      | dst 6 | src 6 | type 2 |[TCI 2|type 2]{0,2}| network…     type ≥ 0x0600, else 802.3
//   LINUX_SLL   | pkttype 2 | hatype 2 | halen 2 | addr 8 | protocol 2 |[tags] network…
//   LINUX_SLL2  | protocol 2 | rsvd 2 | ifindex 4 | hatype 2 | pkttype 1 | halen 1 | addr 8 |[tags] network…
//   NULL, LOOP  | address family 4 | network…   (NULL: capturing host's order; LOOP: network order)
//   RAW         | network…  (version nibble: 4 → IPv4, 6 → IPv6)
//   IPV4, IPV6  | network…  (the link type says which)
//
// All multi-byte fields are big-endian except NULL's family. VLAN tags (0x8100, 0x88a8) after an
// Ethernet or cooked header are followed, two at most: the protocol after the second is
// reported as it stands (a third TPID, say), with the network offset just past the second.

public import PacketBuffer

/// Parses and builds link-layer headers for one link type. A value: cheap to copy, `Sendable`.
///
/// Supported: ``LinkType/ethernet``, ``LinkType/raw``, ``LinkType/ipv4``, ``LinkType/ipv6``,
/// ``LinkType/linuxSLL``, ``LinkType/linuxSLL2``, ``LinkType/null``, ``LinkType/loop``; the
/// others are reported as ``LinkLayerError/unsupportedLinkType(_:)``.
public struct LinkLayer: Hashable, Sendable {
    /// The link type whose headers this parses and builds.
    public let linkType: LinkType

    public init(_ linkType: LinkType) { self.linkType = linkType }

    /// Whether this link type has a parser and a builder here.
    public var isSupported: Bool {
        if case .other = linkType { return false }
        return true
    }

    // BSD address families as libpcap's gencode.c matches them for DLT_NULL/DLT_LOOP.
    static let addressFamilyIPv4: UInt32 = 2  // AF_INET everywhere
    static let addressFamiliesIPv6: [UInt32] = [24, 28, 30]  // NetBSD/OpenBSD/BSD/OS, FreeBSD, Darwin

    /// The network-layer protocol and header offset of `frame` (starting at its link header).
    /// - Throws: ``LinkLayerError`` for an unsupported link type, a header cut short, a RAW
    ///   packet of another IP version or a NULL/LOOP family other than IPv4/IPv6.
    /// - Complexity: O(1); allocates nothing.
    public func parse(_ frame: UnsafeRawBufferPointer) throws(LinkLayerError) -> LinkLayerHeader {
        let count = frame.count
        // A zero-length buffer may have no base address; every header below checks `count` first.
        let p = frame.baseAddress ?? UnsafeRawPointer(bitPattern: 1).unsafelyUnwrapped
        func be16(_ offset: Int) -> UInt16 {
            UInt16(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        }
        func need(_ n: Int) throws(LinkLayerError) {
            if count < n { throw .headerTooShort(linkType: linkType, needed: n, captured: count) }
        }

        switch linkType {
        case .ethernet:
            try need(14)
            return try withTags(
                LinkLayerHeader(linkType: linkType, linkProtocol: EtherType(be16(12)), linkHeaderLength: 14), p, count)
        case .linuxSLL:
            try need(16)
            var header = LinkLayerHeader(linkType: linkType, linkProtocol: EtherType(be16(14)), linkHeaderLength: 16)
            header.packetType = PacketType(rawValue: UInt8(truncatingIfNeeded: be16(0)))
            return try withTags(header, p, count)
        case .linuxSLL2:
            try need(20)
            var header = LinkLayerHeader(linkType: linkType, linkProtocol: EtherType(be16(0)), linkHeaderLength: 20)
            header.packetType = PacketType(rawValue: p.load(fromByteOffset: 10, as: UInt8.self))
            header.interfaceIndex = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            return try withTags(header, p, count)
        case .raw:
            try need(1)
            let version = p.load(as: UInt8.self) >> 4
            switch version {
            case 4: return LinkLayerHeader(linkType: linkType, linkProtocol: .ipv4, linkHeaderLength: 0)
            case 6: return LinkLayerHeader(linkType: linkType, linkProtocol: .ipv6, linkHeaderLength: 0)
            default: throw .unknownIPVersion(version)
            }
        case .ipv4:
            return LinkLayerHeader(linkType: linkType, linkProtocol: .ipv4, linkHeaderLength: 0)
        case .ipv6:
            return LinkLayerHeader(linkType: linkType, linkProtocol: .ipv6, linkHeaderLength: 0)
        case .null, .loop:
            try need(4)
            let stored = p.loadUnaligned(as: UInt32.self)
            var family: UInt32
            if linkType == .loop {
                family = UInt32(bigEndian: stored)
            } else {
                // Host order of the machine that captured, which may not be this one: families are
                // small, so a value with high bits set was written the other way round (tcpdump's
                // print-null.c does the same).
                family = stored
                if family & 0xFFFF_0000 != 0 { family = family.byteSwapped }
            }
            let proto: EtherType
            if family == Self.addressFamilyIPv4 {
                proto = .ipv4
            } else if Self.addressFamiliesIPv6.contains(family) {
                proto = .ipv6
            } else {
                throw .unsupportedAddressFamily(family, linkType: linkType)
            }
            return LinkLayerHeader(linkType: linkType, linkProtocol: proto, linkHeaderLength: 4)
        case .other:
            throw .unsupportedLinkType(linkType)
        }
    }

    /// ``parse(_:)`` of the packet `skb` holds, from `data`.
    public func parse(_ skb: SkBuff) throws(LinkLayerError) -> LinkLayerHeader {
        try parse(UnsafeRawBufferPointer(skb.bytes))
    }

    /// Follows up to two VLAN tags after a header whose protocol field ends at
    /// `linkHeaderLength`, then resolves an 802.3 length as `eth_type_trans()` does.
    private func withTags(
        _ base: LinkLayerHeader, _ p: UnsafeRawPointer, _ count: Int
    ) throws(LinkLayerError) -> LinkLayerHeader {
        var header = base
        var proto = header.linkProtocol
        var offset = header.linkHeaderLength
        while proto.isVLAN && header.vlanTagCount < 2 {
            guard count >= offset + 4 else {
                throw .headerTooShort(linkType: linkType, needed: offset + 4, captured: count)
            }
            let tag = VLANTag(
                tagProtocol: proto,
                tci: UInt16(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            if header.vlanTagCount == 0 { header.outerVLANTag = tag } else { header.innerVLANTag = tag }
            header.vlanTagCount += 1
            proto = EtherType(UInt16(bigEndian: p.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)))
            offset += 4
        }
        if linkType == .ethernet && proto.rawValue < 0x0600 {
            // eth_type_trans() / vlan_set_encap_proto(): a length, not a type. Raw 802.3 (Novell)
            // starts with 0xFFFF; anything else, including a payload too short to tell, is LLC.
            let isRaw8023 = count >= offset + 2 && p.loadUnaligned(fromByteOffset: offset, as: UInt16.self) == 0xFFFF
            proto = isRaw8023 ? .ieee8023 : .ieee8022
            if header.vlanTagCount == 0 { header.linkProtocol = proto }
        }
        header.networkProtocol = proto
        header.networkOffset = offset
        return header
    }
}

/// What a link header says about its packet: the network-layer protocol and where its header
/// starts, the VLAN tags on the way, and what the cooked headers record.
public struct LinkLayerHeader: Hashable, Sendable {
    /// The link type parsed.
    public var linkType: LinkType
    /// The protocol the link header itself names, as the kernel's `eth_type_trans()` returns
    /// it: `0x8100` for a tagged frame, `ETH_P_802_2`/`ETH_P_802_3` for an 802.3 length, the
    /// address family's or version nibble's IP version for NULL/LOOP/RAW. This is
    /// `skb->protocol` while the tags are still in the packet.
    public var linkProtocol: EtherType
    /// Bytes of link header before any VLAN tag (14, 16, 20, 4 or 0).
    public var linkHeaderLength: Int
    /// The network-layer protocol after the VLAN tags (`skb->protocol` once the kernel has
    /// taken the tags out with `skb_vlan_untag()`, for one tag).
    public var networkProtocol: EtherType
    /// Offset of the network header from the first byte of the frame (after the tags).
    public var networkOffset: Int
    /// VLAN tags followed: 0, 1 or 2.
    public var vlanTagCount = 0
    /// The first tag (the one a device with VLAN offload would put in `skb->vlan_tci`).
    public var outerVLANTag: VLANTag?
    /// The second tag (QinQ).
    public var innerVLANTag: VLANTag?
    /// `sll_pkttype` of a cooked capture (nil for other link types).
    public var packetType: PacketType?
    /// `sll2_if_index` of a LINUX_SLL2 capture (nil for other link types).
    public var interfaceIndex: UInt32?

    public init(linkType: LinkType, linkProtocol: EtherType, linkHeaderLength: Int) {
        self.linkType = linkType
        self.linkProtocol = linkProtocol
        self.linkHeaderLength = linkHeaderLength
        networkProtocol = linkProtocol
        networkOffset = linkHeaderLength
    }

    /// Sets what the kernel's receive path (`eth_type_trans()`, `skb_reset_network_header()`,
    /// `skb_reset_mac_len()`) would on `skb`, whose `data` is at this link header: the MAC header
    /// at `data`, the network header and `mac_len` just past the link header (VLAN tags stay in
    /// the bytes, as without VLAN offload), `skb->protocol` = ``linkProtocol``, and the packet
    /// type of a cooked capture. Taking tags out (`skb_vlan_untag()`) is the datapath's choice.
    public func apply(to skb: SkBuff) {
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: linkHeaderLength)
        skb.resetMacLength()
        skb.protocolBigEndian = linkProtocol.bigEndian
        if let packetType { skb.packetType = packetType }
    }
}
