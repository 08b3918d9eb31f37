public import PacketBuffer

// The kernel functions behind the classic-BPF ancillary loads that read more than a field
// (net/core/filter.c, `convert_bpf_extensions()`): the payload offset the flow dissector finds
// (`skb_get_poff()`, net/core/flow_dissector.c), netlink attribute lookups (`nla_find()`,
// lib/nlattr.c) and the device type. Offsets are from `data`, as the kernel's are.

extension SkBuffHelpers {
    // MARK: SKF_AD_PAY_OFFSET

    /// `skb_get_poff()`: where the payload starts, past the transport header, as the basic flow
    /// dissector (`skb_flow_dissect_flow_keys_basic`, no flags) and `__skb_get_poff()` find it.
    /// 0 when the dissector gives up (an unknown network protocol, a header cut short).
    ///
    /// Followed: VLAN tags in the packet (an offloaded tag is skipped: the protocol is then the
    /// inner one), IPv4 (fragments: the transport header only in the first), IPv6 with hop-by-hop,
    /// routing, destination and fragment headers, IP-in-IP, GRE versions 0 and 1 (PPTP), PPPoE
    /// session, MPLS (one label), ARP. Transport headers: TCP (its data offset), UDP, UDP-Lite,
    /// ICMP, ICMPv6, IGMP, DCCP, SCTP.
    public static func payloadOffset(_ skb: SkBuff) -> UInt32 {
        let reader = HeaderReader(skb)
        var proto = skb.vlanPresent ? skb.vlanProtoBigEndian.bigEndian : skb.etherType
        var nhoff = skb.networkHeaderOffsetFromData ?? 0
        var ipProto: UInt8 = 0
        var isFragment = false, isFirstFragment = false
        var headers = 0
        var tookOffloadedTag = false
        var step = DissectStep.network
        while step != .good {
            if step == .bad { return 0 }
            headers += 1
            if headers > maximumDissectedHeaders { break }
            switch step {
            case .network:
                step = .transport
                switch proto {
                case 0x0800:
                    guard reader.has(nhoff, 20), let first = reader.byte(nhoff), first & 0x0f >= 5,
                          let fragment = reader.be16(nhoff + 6), let proto4 = reader.byte(nhoff + 9)
                    else { step = .bad; continue }
                    nhoff += Int(first & 0x0f) * 4
                    ipProto = proto4
                    if fragment & 0x3fff != 0 {  // IP_MF | IP_OFFSET: no transport header parsed
                        isFragment = true
                        isFirstFragment = fragment & 0x1fff == 0
                        step = .good
                    }
                case 0x86dd:
                    guard reader.has(nhoff, 40), let next = reader.byte(nhoff + 6) else { step = .bad; continue }
                    ipProto = next
                    nhoff += 40
                case 0x8100, 0x88a8:
                    if skb.vlanPresent && !tookOffloadedTag {
                        proto = skb.etherType  // the tag is outside the packet: skb->protocol is the inner one
                        tookOffloadedTag = true
                    } else {
                        guard let inner = reader.be16(nhoff + 2) else { step = .bad; continue }
                        proto = inner
                        nhoff += 4
                    }
                    step = .network
                case 0x8864:  // PPPoE session
                    guard let versionType = reader.byte(nhoff), let code = reader.byte(nhoff + 1),
                          var pppProto = reader.be16(nhoff + 6), versionType == 0x11, code == 0
                    else { step = .bad; continue }
                    if pppProto & 0x0100 != 0 {  // a compressed one-byte protocol field
                        pppProto >>= 8
                        nhoff += 7
                    } else {
                        nhoff += 8
                    }
                    switch pppProto {
                    case 0x0021: proto = 0x0800; step = .network
                    case 0x0057: proto = 0x86dd; step = .network
                    case 0x0281: proto = 0x8847; step = .network
                    case 0x0283: proto = 0x8848; step = .network
                    default: step = pppProto & 0x0101 == 0x0001 ? .good : .bad
                    }
                case 0x8847, 0x8848:
                    guard reader.has(nhoff, 4) else { step = .bad; continue }
                    nhoff += 4
                    step = .good
                case 0x0806, 0x8035:  // ARP, RARP: no ARP key in the basic dissector
                    step = .good
                default:
                    step = .bad
                }
            case .transport:
                step = .good
                switch ipProto {
                case 0, 43, 60:  // hop-by-hop, routing, destination options
                    guard proto == 0x86dd else { break }
                    guard let next = reader.byte(nhoff), let length = reader.byte(nhoff + 1) else { step = .bad; continue }
                    ipProto = next
                    nhoff += (Int(length) + 1) << 3
                    step = .transport
                case 44:  // IPv6 fragment
                    guard proto == 0x86dd else { break }
                    guard reader.has(nhoff, 8), let next = reader.byte(nhoff), let offset = reader.be16(nhoff + 2)
                    else { step = .bad; continue }
                    isFragment = true
                    nhoff += 8
                    ipProto = next
                    if offset & 0xfff8 == 0 { isFirstFragment = true }
                case 4:
                    proto = 0x0800
                    step = .network
                case 41:
                    proto = 0x86dd
                    step = .network
                case 137:
                    proto = 0x8847
                    step = .network
                case 47:
                    step = greStep(reader, &nhoff, &proto)
                default: break
                }
            case .good, .bad: break
            }
        }
        var poff = UInt32(truncatingIfNeeded: min(Int(UInt16(truncatingIfNeeded: nhoff)), skb.length))
        if isFragment && !isFirstFragment { return poff }
        switch ipProto {
        case 6:
            guard let dataOffset = reader.byte(Int(poff) + 12) else { return poff }
            poff += max(20, UInt32(dataOffset & 0xf0) >> 2)
        case 17, 136: poff += 8   // UDP, UDP-Lite
        case 1, 58: poff += 8     // ICMP, ICMPv6
        case 2: poff += 8         // IGMP
        case 33: poff += 16       // DCCP
        case 132: poff += 12      // SCTP
        default: break
        }
        return poff
    }

    /// The dissector's bound on headers (`MAX_FLOW_DISSECT_HDRS`).
    static let maximumDissectedHeaders = 15

    /// `__skb_flow_dissect_gre()` with no flags: past the GRE header (and an Ethernet header
    /// for TEB, a PPP header for PPTP), on to the inner protocol.
    private static func greStep(_ reader: HeaderReader, _ nhoff: inout Int, _ proto: inout UInt16)
        -> DissectStep
    {
        guard let flags = reader.be16(nhoff), let inner = reader.be16(nhoff + 2) else { return .bad }
        if flags & 0x4000 != 0 { return .good }  // routing present
        let version = flags & 0x0007
        if version > 1 { return .good }
        if version == 1 && !(inner == 0x880b && flags & 0x2000 != 0) { return .good }  // PPTP: PPP with a key
        var offset = 4
        if flags & 0x8000 != 0 { offset += 4 }  // checksum + reserved
        if flags & 0x2000 != 0 { offset += 4 }  // key
        if flags & 0x1000 != 0 { offset += 4 }  // sequence number
        var next = inner
        if version == 0 {
            if inner == 0x6558 {  // transparent Ethernet bridging
                guard let ethernetType = reader.be16(nhoff + offset + 12) else { return .bad }
                next = ethernetType
                offset += 14
            }
        } else {
            if flags & 0x0080 != 0 { offset += 4 }  // acknowledgment number
            guard let pppProtocol = reader.be16(nhoff + offset + 2) else { return .bad }
            if pppProtocol == 0x0021 { next = 0x0800 } else if pppProtocol == 0x0057 { next = 0x86dd }
            offset += 4
        }
        nhoff += offset
        proto = next
        return .network
    }

    // MARK: SKF_AD_NLATTR, SKF_AD_NLATTR_NEST

    /// `bpf_skb_get_nlattr(skb, a, x)`: the offset (from `data`) of the first netlink attribute of
    /// type `x` in the attributes starting at offset `a`, or 0. With `nested`, `a` is a nested
    /// attribute whose payload is searched (`bpf_skb_get_nlattr_nest`).
    public static func netlinkAttribute(_ skb: SkBuff, a: UInt32, x: UInt32, nested: Bool) -> UInt32 {
        let length = skb.length
        let headerLength = 4  // struct nlattr: u16 nla_len, u16 nla_type, host order
        guard length >= headerLength, Int(a) <= length - headerLength else { return 0 }
        var start = Int(a)
        var remaining = length - start
        if nested {
            guard let nestLength = attributeLength(skb, at: start, remaining: remaining) else { return 0 }
            start += headerLength
            remaining = nestLength - headerLength
        }
        while let attributeLength = attributeLength(skb, at: start, remaining: remaining) {
            let type = skb.getUInt16(at: start + 2)! & 0x3fff  // NLA_TYPE_MASK: without the nested/byte-order flags
            if UInt32(type) == x { return UInt32(start) }
            let aligned = (attributeLength + 3) & ~3  // NLA_ALIGN
            start += aligned
            remaining -= aligned
        }
        return 0
    }

    /// `nla_ok()`: the attribute at `offset` fits in `remaining` bytes; its `nla_len`.
    private static func attributeLength(_ skb: SkBuff, at offset: Int, remaining: Int) -> Int? {
        guard remaining >= 4, let length = skb.getUInt16(at: offset), Int(length) >= 4, Int(length) <= remaining else { return nil }
        return Int(length)
    }

    // MARK: SKF_AD_HATYPE

    /// `ARPHRD_*` values of the device types skbpf has.
    public enum HardwareType {
        public static let ethernet: UInt16 = 1        // ARPHRD_ETHER
        public static let loopback: UInt16 = 772      // ARPHRD_LOOPBACK
        public static let none: UInt16 = 0xfffe       // ARPHRD_NONE: TUN and other L3 devices
        public static let void: UInt16 = 0xffff       // ARPHRD_VOID: nothing is known of it
    }

    /// `skb->dev->type` of the device with `ifindex`: Ethernet for a datapath device with a link
    /// header, NONE for an L3 one; ifindex 1 outside a datapath is the loopback device (what
    /// `BPF_PROG_TEST_RUN` and `test-run` put packets on); VOID for a device nothing describes.
    public static func deviceType(ifindex: UInt32, device: RedirectDevice?) -> UInt16 {
        if let device { return device.carriesMacHeader ? HardwareType.ethernet : HardwareType.none }
        return ifindex == 1 ? HardwareType.loopback : HardwareType.void
    }
}

/// The flow dissector's next move: done (with or without a transport header), or another
/// network-layer or transport-layer header to look at.
enum DissectStep { case good, bad, network, transport }

/// Reads header fields at offsets from `data`, as `__skb_header_pointer()` does: nil past the
/// packet; negative offsets reach headers in front of `data` (down to `head`).
private struct HeaderReader {
    let data: UnsafeMutableRawPointer
    let lowest: Int
    let length: Int

    init(_ skb: SkBuff) {
        data = skb.data
        lowest = -skb.headroom
        length = skb.length
    }

    func has(_ offset: Int, _ count: Int) -> Bool { offset >= lowest && offset + count <= length }
    func byte(_ offset: Int) -> UInt8? { has(offset, 1) ? data.load(fromByteOffset: offset, as: UInt8.self) : nil }
    func be16(_ offset: Int) -> UInt16? {
        has(offset, 2) ? UInt16(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) : nil
    }
}
