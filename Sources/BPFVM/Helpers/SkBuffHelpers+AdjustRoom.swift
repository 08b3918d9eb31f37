import BPFABI
public import PacketBuffer

// bpf_skb_adjust_room (net/core/filter.c: bpf_skb_adjust_room, bpf_skb_net_grow,
// bpf_skb_net_shrink). Room opens or closes after the MAC header (BPF_ADJ_ROOM_MAC) or after
// the base L3 header, 20 or 40 bytes (BPF_ADJ_ROOM_NET); the bytes in front slide with `data`.
//
//   MAC, +n:  | eth | 0…0 (n) | ip | tcp |        NET, +n:  | eth | ip | 0…0 (n) | tcp |
//
// Argument checks, error codes, byte movement, protocol changes, network/transport header
// positions, GSO and checksum-state updates follow the kernel (6.18).
//
// Encapsulation (BPF_F_ADJ_ROOM_ENCAP_L3_*): the header offsets are kept from `head`, as the
// kernel keeps them, so the inner headers are simply where the old ones were. MAC mode, UDP in
// IPv4 with ENCAP_L2(8), +36 bytes on eth/ip/tcp (offsets from the new `data`):
//
//   | eth | outer ip | udp   | l2 (8) | ip      | tcp |
//   0     14         34      42       50
//   mac   network    trans-  inner    inner
//                    port    mac      network
//
// The grow sets skb->encapsulation, inner_protocol (the old protocol; ETH_P_TEB with
// ENCAP_L2_ETH), inner_mac = inner_network - ENCAP_L2 length, inner_network = the old network
// header, inner_transport = the old transport header (unset stays unset), and on a GSO skb the
// tunnel's SKB_GSO_* bit. A second encapsulating grow answers -EALREADY. Nothing clears the
// state again: in 6.18 neither a shrink nor the DECAP_L3_* flags touch encapsulation or the
// inner headers (measured: encap, decap, encap gives -EALREADY; change_tail then -ENOTSUPP).
// In NET mode the kernel still records the old network header as the inner one, although the
// outer L3 header slid in front of the room; that is copied too.

extension SkBuffHelpers {
    /// `BPF_F_ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET`: every flag bit the helper accepts.
    static let adjustRoomAllowedFlags: UInt64 = {
        let f = AdjustRoomFlags.self
        return f.fixedGSO | f.encapL3IPv4 | f.encapL3IPv6 | f.encapL4GRE | f.encapL4UDP | f.encapL2Ethernet
            | f.encapL2(length: f.encapL2Mask) | f.decapL3IPv4 | f.decapL3IPv6 | f.noChecksumReset
    }()

    /// `bpf_skb_adjust_room(skb, len_diff, mode, flags)`: `len_diff` is the signed 32-bit value in
    /// the low half of the argument. Returns 0; -EINVAL for unknown or contradictory flags;
    /// -EFAULT when |len_diff| > 0xfff; -ENOTSUPP for a non-IP packet, an unknown mode, or a
    /// shrink that would leave less than the (decapsulated) base L3 header after the network
    /// header; -ENOMEM when the packet is too short for the bytes to remove.
    public static func adjustRoom(_ skb: SkBuff, lengthDifference rawDifference: UInt64, mode rawMode: UInt64,
                                  flags: UInt64) -> UInt64 {
        let f = AdjustRoomFlags.self
        let difference = Int32(truncatingIfNeeded: rawDifference)
        let magnitude = difference.magnitude  // abs(INT_MIN) stays 2^31, over the limit as in C
        let isShrink = difference < 0
        guard flags & ~adjustRoomAllowedFlags == 0 else { return HelperErrno.invalid.returnValue }
        guard magnitude <= 0xfff else { return HelperErrno.fault.returnValue }
        let etherType = skb.etherType
        guard etherType == 0x0800 || etherType == 0x86dd else { return HelperErrno.notSupported.returnValue }
        let baseLength = etherType == 0x0800 ? 20 : 40  // bpf_skb_net_base_len
        guard let macLength = skb.macHeaderLength else { return HelperErrno.fault.returnValue }
        var offset = macLength
        switch UInt32(truncatingIfNeeded: rawMode) {
        case AdjustRoomMode.net.rawValue: offset += baseLength
        case AdjustRoomMode.mac.rawValue: break
        default: return HelperErrno.notSupported.returnValue
        }
        var minimum = UInt32(baseLength)
        let decap = flags & (f.decapL3IPv4 | f.decapL3IPv6)
        if decap != 0 {
            guard isShrink else { return HelperErrno.invalid.returnValue }
            switch decap {
            case f.decapL3IPv4: minimum = 20
            case f.decapL3IPv6: minimum = 40
            default: return HelperErrno.invalid.returnValue
            }
        }
        let current = UInt32(truncatingIfNeeded: skb.length - (skb.networkHeaderOffsetFromData ?? 0))
        if isShrink {
            guard magnitude < current, current - magnitude >= minimum else {
                return HelperErrno.notSupported.returnValue
            }
        } else if skb.length + Int(magnitude) > maxPacketLength && !isGSO(skb) {
            return HelperErrno.notSupported.returnValue
        }
        let error = isShrink ? shrinkRoom(skb, offset: offset, count: Int(magnitude), flags: flags)
                             : growRoom(skb, offset: offset, count: Int(magnitude), flags: flags)
        if let error { return error.returnValue }
        // __skb_reset_checksum_unnecessary
        if flags & f.noChecksumReset == 0 && skb.checksumState == .unnecessary { skb.checksumState = .none }
        return 0
    }

    /// `bpf_skb_net_grow`: with ENCAP_L3_* flags also records the encapsulation (see the file
    /// comment); -EALREADY when the skb is already encapsulated.
    static func growRoom(_ skb: SkBuff, offset: Int, count: Int, flags: UInt64) -> HelperErrno? {
        let f = AdjustRoomFlags.self
        let m = skb.metadata
        let innerMacLength = Int(flags >> f.encapL2Shift)
        let isEncap = flags & (f.encapL3IPv4 | f.encapL3IPv6) != 0
        if let error = checkUDPSegmentation(skb, flags: flags) { return error }
        skb.ensureHeadroom(count)  // skb_cow_head
        var macLength = 0
        // From `head` (the kernel's u16 offsets): the push below moves `data` and the outer
        // headers, not these, so they keep pointing at the packet's own headers.
        var innerNetwork = SkBuff.unsetOffset
        var innerTransport = SkBuff.unsetOffset
        if isEncap {
            if flags & f.encapL3IPv4 != 0 && flags & f.encapL3IPv6 != 0 { return .invalid }
            if flags & f.encapL4GRE != 0 && flags & f.encapL4UDP != 0 { return .invalid }
            if flags & f.encapL2Ethernet != 0 && innerMacLength < 14 { return .invalid }
            if skb.isEncapsulated { return .already }
            macLength = skb.macHeaderLength ?? 0
            innerNetwork = m.pointee.networkHeaderOffset
            if innerMacLength > count { return .invalid }
            innerTransport = m.pointee.transportHeaderOffset
        }
        netHeaderPush(skb, offset: offset, count: count)
        var gsoType = GSOType.dodgy
        if isEncap {
            m.pointee.innerMacHeaderOffset = innerNetwork - innerMacLength
            m.pointee.innerNetworkHeaderOffset = innerNetwork
            m.pointee.innerTransportHeaderOffset = innerTransport
            // skb_set_inner_protocol, before the outer protocol changes below.
            skb.innerProtocolBigEndian = flags & f.encapL2Ethernet != 0 ? UInt16(0x6558).bigEndian  // ETH_P_TEB
                                                                        : skb.protocolBigEndian
            skb.isEncapsulated = true
            skb.setNetworkHeader(offsetFromData: macLength)
            if flags & f.encapL4UDP != 0 {
                gsoType |= GSOType.udpTunnel
            } else if flags & f.encapL4GRE != 0 {
                gsoType |= GSOType.gre
            } else if flags & f.encapL3IPv6 != 0 {
                gsoType |= GSOType.ipXIP6
            } else if flags & f.encapL3IPv4 != 0 {
                gsoType |= GSOType.ipXIP4
            }
            if flags & (f.encapL4GRE | f.encapL4UDP) != 0 {
                let outerLength = flags & f.encapL3IPv6 != 0 ? 40 : 20
                skb.setTransportHeader(offsetFromData: macLength + outerLength)
            }
            if skb.etherType == 0x0800 && flags & f.encapL3IPv6 != 0 {
                setProtocol(skb, 0x86dd)
            } else if skb.etherType == 0x86dd && flags & f.encapL3IPv4 != 0 {
                setProtocol(skb, 0x0800)
            }
        }
        if isGSO(skb) {
            m.pointee.gsoType |= gsoType
            m.pointee.gsoSegments = 0
            if flags & f.fixedGSO == 0 && m.pointee.gsoSize != GSOType.byFragments {
                m.pointee.gsoSize &-= UInt16(truncatingIfNeeded: count)  // skb_decrease_gso_size
            }
        }
        return nil
    }

    /// `bpf_skb_net_shrink`. A decapsulation changes only the protocol: 6.18 leaves
    /// `skb->encapsulation`, the inner headers and the tunnel GSO bits as they were.
    static func shrinkRoom(_ skb: SkBuff, offset: Int, count: Int, flags: UInt64) -> HelperErrno? {
        let f = AdjustRoomFlags.self
        let m = skb.metadata
        guard flags & ~(f.fixedGSO | f.decapL3IPv4 | f.decapL3IPv6 | f.noChecksumReset) == 0 else { return .invalid }
        if let error = checkUDPSegmentation(skb, flags: flags) { return error }
        if let error = netHeaderPop(skb, offset: offset, count: count) { return error }
        if skb.etherType == 0x0800 && flags & f.decapL3IPv6 != 0 {
            setProtocol(skb, 0x86dd)
        } else if skb.etherType == 0x86dd && flags & f.decapL3IPv4 != 0 {
            setProtocol(skb, 0x0800)
        }
        if isGSO(skb) {
            if flags & f.fixedGSO == 0 && m.pointee.gsoSize != GSOType.byFragments {
                m.pointee.gsoSize &+= UInt16(truncatingIfNeeded: count)  // skb_increase_gso_size
            }
            m.pointee.gsoType |= GSOType.dodgy
            m.pointee.gsoSegments = 0
        }
        return nil
    }

    /// UDP GSO: gso_size delimits datagrams, so only a fixed-size UDP_L4 packet may change.
    private static func checkUDPSegmentation(_ skb: SkBuff, flags: UInt64) -> HelperErrno? {
        guard isGSO(skb), !isGSOTCP(skb) else { return nil }
        if skb.metadata.pointee.gsoType & GSOType.udpL4 == 0 || flags & AdjustRoomFlags.fixedGSO == 0 {
            return .notSupported
        }
        return nil
    }
}
