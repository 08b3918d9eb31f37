import PacketBuffer
import PacketIO
import Testing

/// Small frames for the link-layer tests.
enum Frames {
    /// An IPv4 header (20 bytes, UDP, 10.0.0.1 -> 10.0.0.2) and 8 bytes of UDP.
    static let ipv4: [UInt8] = [
        0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        0x30, 0x39, 0, 53, 0, 8, 0, 0,
    ]
    /// An IPv6 header (40 bytes, no next header) from ::1 to ::2.
    static let ipv6: [UInt8] =
        [0x60, 0, 0, 0, 0, 0, 59, 64] + [UInt8](repeating: 0, count: 15) + [1]
        + [UInt8](repeating: 0, count: 15) + [2]
    static let macs: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01]

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    static func ethernet(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] { macs + be16(type) + payload }
    /// Tags as (TPID, TCI), then the inner type.
    static func tagged(_ tags: [(UInt16, UInt16)], _ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var bytes = macs + be16(tags[0].0)
        for (i, tag) in tags.enumerated() {
            bytes += be16(tag.1) + be16(i + 1 < tags.count ? tags[i + 1].0 : type)
        }
        return bytes + payload
    }
    static func sll(packetType: UInt16, protocol proto: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(packetType) + be16(1) + be16(6) + [2, 0, 0, 0, 0, 1, 0, 0] + be16(proto) + payload
    }
    static func sll2(protocol proto: UInt16, ifindex: UInt32, packetType: UInt8, _ payload: [UInt8]) -> [UInt8] {
        be16(proto) + [0, 0] + be16(UInt16(ifindex >> 16)) + be16(UInt16(ifindex & 0xffff)) + be16(1)
            + [packetType, 6, 2, 0, 0, 0, 0, 1, 0, 0] + payload
    }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func bigEndian32(_ v: UInt32) -> [UInt8] { le32(v).reversed() }
}

func parse(_ linkType: LinkType, _ bytes: [UInt8]) throws(LinkLayerError) -> LinkLayerHeader {
    let result = bytes.withUnsafeBytes { frame in
        Result { () throws(LinkLayerError) in try LinkLayer(linkType).parse(frame) }
    }
    return try result.get()
}

func parseError(_ linkType: LinkType, _ bytes: [UInt8]) -> LinkLayerError? {
    do {
        _ = try parse(linkType, bytes)
        return nil
    } catch {
        return error
    }
}

@Suite struct LinkLayerParseTests {
    @Test func ethernetIPv4AndIPv6() throws {
        let v4 = try parse(.ethernet, Frames.ethernet(0x0800, Frames.ipv4))
        #expect(v4.networkProtocol == .ipv4 && v4.linkProtocol == .ipv4)
        #expect(v4.networkOffset == 14 && v4.linkHeaderLength == 14 && v4.vlanTagCount == 0)
        #expect(v4.networkProtocol.bigEndian == UInt16(0x0800).bigEndian)
        let v6 = try parse(.ethernet, Frames.ethernet(0x86DD, Frames.ipv6))
        #expect(v6.networkProtocol == .ipv6 && v6.networkOffset == 14)
        let arp = try parse(.ethernet, Frames.ethernet(0x0806, [0, 1]))
        #expect(arp.networkProtocol == .arp)
    }

    @Test func ethernetVLANTagsUpToTwo() throws {
        let one = try parse(.ethernet, Frames.tagged([(0x8100, 0x2064)], 0x0800, Frames.ipv4))
        #expect(one.linkProtocol == .vlan && one.networkProtocol == .ipv4 && one.networkOffset == 18)
        #expect(one.outerVLANTag == VLANTag(tagProtocol: .vlan, tci: 0x2064) && one.innerVLANTag == nil)
        #expect(one.outerVLANTag?.vlanID == 100 && one.outerVLANTag?.priority == 1)

        let qinq = try parse(.ethernet, Frames.tagged([(0x88a8, 0x0005), (0x8100, 0x100a)], 0x86DD, Frames.ipv6))
        #expect(qinq.linkProtocol == .qinq && qinq.networkProtocol == .ipv6 && qinq.networkOffset == 22)
        #expect(qinq.vlanTagCount == 2)
        #expect(qinq.outerVLANTag == VLANTag(tagProtocol: .qinq, tci: 5))
        #expect(qinq.innerVLANTag == VLANTag(tagProtocol: .vlan, tci: 0x100a))
        #expect(qinq.innerVLANTag?.isDropEligible == true)

        // A third tag is not followed: its TPID is the protocol, past the second tag.
        let three = try parse(.ethernet, Frames.tagged([(0x88a8, 1), (0x8100, 2), (0x8100, 3)], 0x0800, Frames.ipv4))
        #expect(three.networkProtocol == .vlan && three.networkOffset == 22 && three.vlanTagCount == 2)
    }

    @Test func ethernet8023LengthsBecomeTheKernelsPseudoProtocols() throws {
        let llc = try parse(.ethernet, Frames.ethernet(46, [0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 43)))
        #expect(llc.networkProtocol == .ieee8022 && llc.linkProtocol == .ieee8022 && llc.networkOffset == 14)
        let novell = try parse(.ethernet, Frames.ethernet(46, [0xff, 0xff] + [UInt8](repeating: 0, count: 44)))
        #expect(novell.networkProtocol == .ieee8023)
        // Too short to look at the payload: LLC, as eth_type_trans() decides.
        #expect(try parse(.ethernet, Frames.ethernet(46, [])).networkProtocol == .ieee8022)
        let taggedLLC = try parse(.ethernet, Frames.tagged([(0x8100, 7)], 46, [0xff, 0xff]))
        #expect(taggedLLC.networkProtocol == .ieee8023 && taggedLLC.linkProtocol == .vlan)
    }

    @Test func cookedCaptures() throws {
        let sll = try parse(.linuxSLL, Frames.sll(packetType: 4, protocol: 0x86DD, Frames.ipv6))
        #expect(sll.networkProtocol == .ipv6 && sll.networkOffset == 16 && sll.packetType == .outgoing)
        let sllTagged = try parse(
            .linuxSLL, Frames.sll(packetType: 0, protocol: 0x8100, [0, 10, 0x08, 0x00] + Frames.ipv4))
        #expect(
            sllTagged.networkProtocol == .ipv4 && sllTagged.networkOffset == 20 && sllTagged.outerVLANTag?.vlanID == 10)
        // Below 0x0600 a cooked protocol is already the kernel's skb->protocol (ETH_P_802_2 here).
        #expect(try parse(.linuxSLL, Frames.sll(packetType: 0, protocol: 4, [0x42])).networkProtocol == .ieee8022)

        let sll2 = try parse(
            .linuxSLL2, Frames.sll2(protocol: 0x0800, ifindex: 0x0102_0304, packetType: 1, Frames.ipv4))
        #expect(sll2.networkProtocol == .ipv4 && sll2.networkOffset == 20)
        #expect(sll2.packetType == .broadcast && sll2.interfaceIndex == 0x0102_0304)
    }

    @Test func rawAndIPLinkTypes() throws {
        #expect(try parse(.raw, Frames.ipv4).networkProtocol == .ipv4)
        #expect(try parse(.raw, Frames.ipv6).networkProtocol == .ipv6)
        #expect(try parse(.raw, Frames.ipv4).networkOffset == 0)
        #expect(parseError(.raw, [0x50]) == .unknownIPVersion(5))
        #expect(parseError(.raw, []) == .headerTooShort(linkType: .raw, needed: 1, captured: 0))
        // IPV4 and IPV6 say the protocol themselves, whatever the bytes.
        #expect(try parse(.ipv4, Frames.ipv6).networkProtocol == .ipv4)
        #expect(try parse(.ipv6, []).networkProtocol == .ipv6)
    }

    @Test(arguments: [(UInt32(2), EtherType.ipv4), (24, .ipv6), (28, .ipv6), (30, .ipv6)])
    func nullAndLoopAddressFamilies(family: UInt32, expected: EtherType) throws {
        // NULL: the capturing host's order, either way round; LOOP: network order only.
        #expect(try parse(.null, Frames.le32(family) + Frames.ipv4).networkProtocol == expected)
        #expect(try parse(.null, Frames.bigEndian32(family) + Frames.ipv4).networkProtocol == expected)
        let loop = try parse(.loop, Frames.bigEndian32(family) + Frames.ipv4)
        #expect(loop.networkProtocol == expected && loop.networkOffset == 4)
        #expect(parseError(.loop, Frames.le32(family)) == .unsupportedAddressFamily(family << 24, linkType: .loop))
    }

    @Test func nullRejectsOtherFamilies() {
        #expect(parseError(.null, Frames.le32(10)) == .unsupportedAddressFamily(10, linkType: .null))  // Linux AF_INET6
        #expect(parseError(.null, Frames.le32(7)) == .unsupportedAddressFamily(7, linkType: .null))
    }

    @Test func unsupportedLinkTypesAreReported() {
        #expect(parseError(.other(9), Frames.ipv4) == .unsupportedLinkType(.other(9)))
        #expect(!LinkLayer(.other(127)).isSupported)
        #expect(LinkLayer(.linuxSLL2).isSupported)
    }

    static let everyType: [(LinkType, [UInt8])] = [
        (.ethernet, Frames.tagged([(0x88a8, 1), (0x8100, 2)], 0x0800, Frames.ipv4)),
        (.linuxSLL, Frames.sll(packetType: 0, protocol: 0x8100, [0, 10, 0x08, 0x00] + Frames.ipv4)),
        (.linuxSLL2, Frames.sll2(protocol: 0x88a8, ifindex: 3, packetType: 0, [0, 1, 0x81, 0x00, 0, 2, 0x86, 0xdd])),
        (.raw, Frames.ipv6), (.ipv4, Frames.ipv4), (.ipv6, Frames.ipv6),
        (.null, Frames.le32(2) + Frames.ipv4), (.loop, Frames.bigEndian32(30) + Frames.ipv6),
    ]

    /// Every prefix of a valid frame either parses (same answer once the header is whole) or is
    /// reported too short with the length it needs; never a crash.
    @Test(arguments: everyType.map { $0.0 })
    func everyPrefixParsesOrIsTooShort(linkType: LinkType) throws {
        let frame = Self.everyType.first { $0.0 == linkType }!.1
        let whole = try parse(linkType, frame)
        for length in 0...frame.count {
            do {
                let header = try parse(linkType, Array(frame[0..<length]))
                #expect(length >= header.networkOffset)
                if length >= whole.networkOffset { #expect(header == whole, "prefix \(length)") }
            } catch {
                guard case .headerTooShort(let type, let needed, let captured) = error else {
                    Issue.record("prefix \(length): \(error)")
                    continue
                }
                #expect(
                    type == linkType && captured == length && needed > length && needed <= max(whole.networkOffset, 1))
            }
        }
    }

    @Test func applySetsWhatTheReceivePathSets() throws {
        let skb = SkBuff(capacity: 256, headroom: 32)
        let frame = Frames.sll(packetType: 3, protocol: 0x0800, Frames.ipv4)
        _ = frame.withUnsafeBytes { skb.putData($0) }
        try LinkLayer(.linuxSLL).parse(skb).apply(to: skb)
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == 16)
        #expect(skb.macLength == 16)
        #expect(skb.etherType == 0x0800)
        #expect(skb.packetType == .otherHost)
    }
}

@Suite struct LinkLayerBuildTests {
    static let supported: [LinkType] = [.ethernet, .raw, .ipv4, .ipv6, .linuxSLL, .linuxSLL2, .null, .loop]

    /// What each link type can carry.
    static func carries(_ linkType: LinkType, _ proto: EtherType) -> Bool {
        switch linkType {
        case .ethernet, .linuxSLL, .linuxSLL2: proto.rawValue >= 0x0600 || linkType != .ethernet
        case .raw, .null, .loop: proto == .ipv4 || proto == .ipv6
        case .ipv4: proto == .ipv4
        case .ipv6: proto == .ipv6
        case .other: false
        }
    }

    @Test(arguments: supported, [EtherType.ipv4, .ipv6, .arp, .ieee8022])
    func builtHeadersParseBackToTheSameProtocol(linkType: LinkType, proto: EtherType) throws {
        let layer = LinkLayer(linkType)
        var options = SyntheticLinkHeader()
        for tags in 0...2 {
            options.outerVLANTag = tags >= 1 ? VLANTag(tagProtocol: .qinq, tci: 100) : nil
            options.innerVLANTag = tags >= 2 ? VLANTag(tagProtocol: .vlan, tci: 200) : nil
            let payload = proto == .ipv6 ? Frames.ipv6 : Frames.ipv4
            var buffer = [UInt8](repeating: 0xEE, count: 64)
            let written: Int
            do {
                written = try buffer.withUnsafeMutableBytes { destination throws(LinkLayerError) in
                    try layer.writeHeader(networkProtocol: proto, options: options, to: destination)
                }
            } catch let error as LinkLayerError {
                #expect(!Self.carries(linkType, proto), "\(linkType) \(proto): \(error)")
                #expect(error == .unsupportedProtocol(proto, linkType: linkType))
                continue
            }
            #expect(Self.carries(linkType, proto))
            #expect(written == (try layer.headerLength(networkProtocol: proto, options: options)))
            let header = try parse(linkType, Array(buffer[0..<written]) + payload)
            #expect(header.networkProtocol == proto)
            #expect(header.networkOffset == written)
            let tagged = [LinkType.ethernet, .linuxSLL, .linuxSLL2].contains(linkType)
            #expect(header.vlanTagCount == (tagged ? tags : 0))
            if tagged && tags > 0 { #expect(header.outerVLANTag == options.outerVLANTag) }
        }
    }

    @Test func syntheticHeadersAreExactlyTheDocumentedBytes() throws {
        func built(_ linkType: LinkType, _ proto: EtherType, _ options: SyntheticLinkHeader = .init()) throws -> [UInt8]
        {
            var buffer = [UInt8](repeating: 0xEE, count: 32)
            let n = try buffer.withUnsafeMutableBytes { destination throws(LinkLayerError) in
                try LinkLayer(linkType).writeHeader(networkProtocol: proto, options: options, to: destination)
            }
            return Array(buffer[0..<n])
        }
        #expect(try built(.ethernet, .ipv4) == [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00])
        var options = SyntheticLinkHeader()
        options.destination = .broadcast
        options.outerVLANTag = VLANTag(tci: 0x0064)
        #expect(
            try built(.ethernet, .arp, options)
                == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0x00, 0x64, 0x08, 0x06])
        options = SyntheticLinkHeader()
        options.packetType = .outgoing
        options.interfaceIndex = 7
        #expect(try built(.linuxSLL, .ipv6, options) == [0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd])
        #expect(
            try built(.linuxSLL2, .ipv4, options)
                == [0x08, 0x00, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0])
        #expect(try built(.null, .ipv4) == [2, 0, 0, 0])
        #expect(try built(.null, .ipv6) == [24, 0, 0, 0])
        #expect(try built(.loop, .ipv6) == [0, 0, 0, 24])
        #expect(try built(.raw, .ipv6) == [])
    }

    @Test func buildingForUnsupportedTypesOrIntoTooLittleRoomFails() {
        #expect(throws: LinkLayerError.unsupportedLinkType(.other(9))) {
            try LinkLayer(.other(9)).headerLength(networkProtocol: .ipv4)
        }
        var small = [UInt8](repeating: 0, count: 13)
        #expect(throws: LinkLayerError.insufficientHeadroom(needed: 14, available: 13)) {
            try small.withUnsafeMutableBytes { destination throws(LinkLayerError) in
                try LinkLayer(.ethernet).writeHeader(networkProtocol: .ipv4, to: destination)
            }
        }
    }

    /// A packet that came in on RAW leaves on EN10MB with a synthetic header, and back.
    @Test func rawToEthernetAndBack() throws {
        let skb = SkBuff(capacity: 256, headroom: 64)
        _ = Frames.ipv4.withUnsafeBytes { skb.putData($0) }
        let incoming = try LinkLayer(.raw).parse(skb)
        skb.pull(incoming.networkOffset)
        let pushed = try LinkLayer(.ethernet).pushHeader(onto: skb, networkProtocol: incoming.networkProtocol)
        #expect(pushed == 14)
        #expect(skb.byteArray == [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + Frames.ipv4)
        #expect(skb.headroom == 50)
        #expect(skb.macHeaderOffsetFromData == 0 && skb.networkHeaderOffsetFromData == 14 && skb.macLength == 14)

        let back = try LinkLayer(.ethernet).parse(skb)
        skb.pull(back.networkOffset)
        #expect(try LinkLayer(.raw).pushHeader(onto: skb, networkProtocol: back.networkProtocol) == 0)
        #expect(skb.byteArray == Frames.ipv4)
    }

    @Test func pushingWithoutHeadroomChangesNothing() {
        let skb = SkBuff(capacity: 64, headroom: 10)
        _ = Frames.ipv4.withUnsafeBytes { skb.putData($0) }
        #expect(throws: LinkLayerError.insufficientHeadroom(needed: 14, available: 10)) {
            try LinkLayer(.ethernet).pushHeader(onto: skb, networkProtocol: .ipv4)
        }
        #expect(skb.headroom == 10 && skb.byteArray == Frames.ipv4)
        #expect(throws: LinkLayerError.unsupportedProtocol(.arp, linkType: .raw)) {
            try LinkLayer(.raw).pushHeader(onto: skb, networkProtocol: .arp)
        }
    }

    @Test func descriptionsAreReadable() {
        #expect(EtherType.ipv4.description == "0x0800")
        #expect(EthernetAddress(0x02, 0, 0, 0xab, 0, 1).description == "02:00:00:ab:00:01")
        #expect(
            LinkLayerError.headerTooShort(linkType: .ethernet, needed: 14, captured: 3).description
                == "EN10MB header needs 14 bytes, only 3 captured")
    }
}
