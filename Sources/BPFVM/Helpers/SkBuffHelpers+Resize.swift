public import PacketBuffer

// bpf_skb_change_tail, bpf_skb_change_head, bpf_skb_pull_data and bpf_skb_change_proto
// (net/core/filter.c): the helpers that grow or shrink a packet at its ends or right after the
// MAC header. Everything here is linear, so "make writable" only checks lengths.

extension SkBuffHelpers {
    /// `__bpf_skb_min_len`: the shortest length change_tail may cut to — past the network header,
    /// the transport header if set, and a CHECKSUM_PARTIAL checksum field.
    static func minimumLength(_ skb: SkBuff) -> Int {
        var minimum = 0
        if let network = skb.networkHeaderOffsetFromData, network > 0 { minimum = network }
        if let transport = skb.transportHeaderOffsetFromData, transport > 0 { minimum = transport }
        if skb.checksumState == .partial {
            let end = checksumStartOffset(skb) + Int(skb.metadata.pointee.checksumOffset) + 2
            if end > 0 { minimum = end }
        }
        return minimum
    }

    /// `bpf_skb_change_tail(skb, len, flags)`: grows the packet with zero bytes or trims it to
    /// `len`. -EINVAL for non-zero flags or a length outside `minimumLength ... 16064`; then
    /// -ENOTSUPP for an encapsulated skb (its inner headers would not follow).
    /// A CHECKSUM_COMPLETE skb becomes CHECKSUM_NONE; GSO state is reset.
    public static func changeTail(_ skb: SkBuff, length rawLength: UInt64, flags: UInt64) -> UInt64 {
        let newLength = Int(UInt32(truncatingIfNeeded: rawLength))
        guard flags == 0, newLength <= maxPacketLength, newLength >= minimumLength(skb) else {
            return HelperErrno.invalid.returnValue
        }
        if skb.isEncapsulated { return HelperErrno.notSupported.returnValue }
        let oldLength = skb.length
        guard newLength != oldLength else { return 0 }
        if skb.checksumState == .complete { skb.checksumState = .none }
        if newLength > oldLength {
            let added = newLength - oldLength
            skb.ensureTailroom(added)
            guard let start = skb.tryPut(added) else { return HelperErrno.noMemory.returnValue }
            start.initializeMemory(as: UInt8.self, repeating: 0, count: added)
        } else {
            skb.trim(to: newLength)
        }
        if isGSO(skb) { resetGSO(skb) }
        return 0
    }

    /// `bpf_skb_change_head(skb, head_room, flags)`: `head_room` zero bytes in front of the
    /// packet, which becomes the new MAC header (network header and protocol stay).
    /// -EINVAL for non-zero flags, a room of 2^31 or more, or a result over 16064 bytes (non-GSO).
    public static func changeHead(_ skb: SkBuff, headroom rawRoom: UInt64, flags: UInt64) -> UInt64 {
        let room = UInt32(truncatingIfNeeded: rawRoom)
        let (newLength, wrapped) = UInt32(truncatingIfNeeded: skb.length).addingReportingOverflow(room)
        guard flags == 0, Int32(bitPattern: room) >= 0, isGSO(skb) || Int(newLength) <= maxPacketLength, !wrapped
        else { return HelperErrno.invalid.returnValue }
        let count = Int(room)
        skb.ensureHeadroom(count)  // skb_cow
        guard let start = skb.tryPush(count) else { return HelperErrno.noMemory.returnValue }
        start.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        skb.resetMacHeader()
        return 0
    }

    /// `bpf_skb_pull_data(skb, len)`: makes the first `len` bytes (all when 0) directly
    /// accessible. Always so here; -ENOMEM when `len` is longer than the packet.
    public static func pullData(_ skb: SkBuff, length rawLength: UInt64) -> UInt64 {
        let length = UInt32(truncatingIfNeeded: rawLength)
        return Int(length) <= skb.length ? 0 : HelperErrno.noMemory.returnValue
    }

    /// `bpf_skb_change_proto(skb, proto, flags)`: IPv4 to IPv6 opens 20 zero bytes right after the
    /// MAC header, IPv6 to IPv4 removes the 20 bytes there; the program writes the new L3 header.
    /// `proto` is the `__be16` the program passes. Sets `protocol`, clears the hash, marks GSO
    /// packets dodgy (TCPV4 ⇄ TCPV6). -EINVAL for flags, -ENOTSUPP for any other pair of protocols,
    /// -ENOMEM when an IPv6 packet is shorter than its MAC header plus 20 bytes.
    public static func changeProtocol(_ skb: SkBuff, protocol rawProtocol: UInt64, flags: UInt64) -> UInt64 {
        guard flags == 0 else { return HelperErrno.invalid.returnValue }
        let to = UInt16(bigEndian: UInt16(truncatingIfNeeded: rawProtocol))
        let from = skb.etherType
        let lengthDifference = 20  // sizeof(ipv6hdr) - sizeof(iphdr)
        guard let macLength = skb.macHeaderLength else { return HelperErrno.fault.returnValue }
        let m = skb.metadata
        switch (from, to) {
        case (0x0800, 0x86dd):
            skb.ensureHeadroom(lengthDifference)
            netHeaderPush(skb, offset: macLength, count: lengthDifference)
            if isGSO(skb) { m.pointee.gsoType = swapGSO(m.pointee.gsoType, from: GSOType.tcpV4, to: GSOType.tcpV6) }
            setProtocol(skb, 0x86dd)
        case (0x86dd, 0x0800):
            if let error = netHeaderPop(skb, offset: macLength, count: lengthDifference) { return error.returnValue }
            if isGSO(skb) { m.pointee.gsoType = swapGSO(m.pointee.gsoType, from: GSOType.tcpV6, to: GSOType.tcpV4) }
            setProtocol(skb, 0x0800)
        default:
            return HelperErrno.notSupported.returnValue
        }
        clearHash(skb)
        return 0
    }

    private static func swapGSO(_ type: UInt32, from: UInt32, to: UInt32) -> UInt32 {
        var type = type
        if type & from != 0 { type = (type & ~from) | to }
        return type | GSOType.dodgy
    }

    /// `skb_gso_reset`.
    static func resetGSO(_ skb: SkBuff) {
        skb.metadata.pointee.gsoSize = 0
        skb.metadata.pointee.gsoSegments = 0
        skb.metadata.pointee.gsoType = 0
    }
}
