import PacketBuffer

// Shared groundwork of the helpers that change a packet's shape (vlan push/pop, change_proto,
// change_tail/head, adjust_room): the kernel's `bpf_skb_generic_push/pop`,
// `bpf_skb_net_hdr_push/pop`, the receive-checksum fix-ups and the GSO type bits they touch.
//
//   net_hdr_push(off, len):                      net_hdr_pop(off, len):
//   before  |<- off ->|<---- rest ---->|         before  |<- off ->|<-len->|<-- rest -->|
//   after   |<- off ->|000…0|<- rest ->|         after           |<- off ->|<-- rest -->|
//           ^ data (moved back by len)                            ^ data (moved on by len)
//
// The bytes in front of `off` (the L2 header, or L2+L3) slide with `data`; mac and network header
// offsets slide with them, so the network header ends up at the same distance from `data` as
// before, and the room opens (or closes) right after the first `off` bytes.

/// `SKB_GSO_*` bits of `skb_shinfo(skb)->gso_type` (include/linux/skbuff.h) the helpers set or test.
enum GSOType {
    static let tcpV4: UInt32 = 1 << 0
    static let dodgy: UInt32 = 1 << 1
    static let tcpV6: UInt32 = 1 << 4
    static let gre: UInt32 = 1 << 6
    static let ipXIP4: UInt32 = 1 << 8
    static let ipXIP6: UInt32 = 1 << 9
    static let udpTunnel: UInt32 = 1 << 10
    static let udpL4: UInt32 = 1 << 17
    /// `GSO_BY_FRAGS`: a gso_size that the size adjustments leave alone.
    static let byFragments: UInt16 = 0xffff
}

extension SkBuffHelpers {
    /// `BPF_SKB_MAX_LEN` = `SKB_MAX_ALLOC` = 16 KiB minus the 320-byte `skb_shared_info` on x86-64;
    /// measured: bpf_skb_change_tail(skb, 16064, 0) returns 0 and 16065 returns -EINVAL.
    public static let maxPacketLength = 16064

    /// `skb_is_gso`.
    static func isGSO(_ skb: SkBuff) -> Bool { skb.metadata.pointee.gsoSize != 0 }

    /// `skb_is_gso_tcp`.
    static func isGSOTCP(_ skb: SkBuff) -> Bool {
        skb.metadata.pointee.gsoType & (GSOType.tcpV4 | GSOType.tcpV6) != 0
    }

    /// `skb_checksum_start_offset`: `csum_start` is kept from `head`, as in the kernel.
    static func checksumStartOffset(_ skb: SkBuff) -> Int {
        Int(skb.metadata.pointee.checksumStart) - skb.headroom
    }

    /// `skb_postpull_rcsum(skb, data + offset, count)`: take pulled bytes out of a
    /// CHECKSUM_COMPLETE sum; a PARTIAL checksum whose start was pulled away becomes NONE.
    static func postPullChecksum(_ skb: SkBuff, offset: Int, count: Int) {
        let m = skb.metadata
        switch skb.checksumState {
        case .complete:
            let bytes = UnsafeRawBufferPointer(start: skb.data + offset, count: count)
            m.pointee.checksum = ~InternetChecksum.partial(bytes, seed: ~m.pointee.checksum)
        case .partial where checksumStartOffset(skb) < 0:
            skb.checksumState = .none
        default:
            break
        }
    }

    /// `skb_postpush_rcsum(skb, data + offset, count)`.
    static func postPushChecksum(_ skb: SkBuff, offset: Int, count: Int) {
        guard skb.checksumState == .complete else { return }
        let bytes = UnsafeRawBufferPointer(start: skb.data + offset, count: count)
        skb.metadata.pointee.checksum = InternetChecksum.add(skb.metadata.pointee.checksum,
                                                             InternetChecksum.partial(bytes, seed: 0))
    }

    /// `bpf_skb_net_hdr_push`: `count` zero bytes after the first `offset` bytes, which move to the
    /// new `data`; mac and network headers move with them (a transport header equal to the network
    /// header follows it). The caller made sure of `count` bytes of headroom (`skb_cow`).
    static func netHeaderPush(_ skb: SkBuff, offset: Int, count: Int) {
        let m = skb.metadata
        let transportFollowsNetwork = m.pointee.transportHeaderOffset == m.pointee.networkHeaderOffset
        guard let start = skb.tryPush(count) else { return }
        start.copyMemory(from: start + count, byteCount: offset)  // memmove: copyMemory allows overlap
        (start + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
        // No rcsum update: zero bytes do not change a CHECKSUM_COMPLETE sum (as the kernel notes).
        shiftHeaders(skb, by: -count, transportFollowsNetwork: transportFollowsNetwork)
    }

    /// `bpf_skb_net_hdr_pop`: removes `count` bytes after the first `offset` bytes; nil when the
    /// packet is shorter than `offset + count` (`pskb_may_pull` fails: -ENOMEM).
    static func netHeaderPop(_ skb: SkBuff, offset: Int, count: Int) -> HelperErrno? {
        guard offset >= 0, count >= 0, offset + count <= skb.length else { return .noMemory }
        let m = skb.metadata
        let transportFollowsNetwork = m.pointee.transportHeaderOffset == m.pointee.networkHeaderOffset
        let oldData = skb.data
        skb.pull(count)
        // skb_postpull_rcsum(skb, old_data + off, len), expressed from the new data.
        postPullChecksum(skb, offset: offset - count, count: count)
        skb.data.copyMemory(from: oldData, byteCount: offset)
        shiftHeaders(skb, by: count, transportFollowsNetwork: transportFollowsNetwork)
        return nil
    }

    private static func shiftHeaders(_ skb: SkBuff, by delta: Int, transportFollowsNetwork: Bool) {
        let m = skb.metadata
        if m.pointee.macHeaderOffset != SkBuff.unsetOffset { m.pointee.macHeaderOffset += delta }
        if m.pointee.networkHeaderOffset != SkBuff.unsetOffset { m.pointee.networkHeaderOffset += delta }
        if transportFollowsNetwork { m.pointee.transportHeaderOffset = m.pointee.networkHeaderOffset }
    }

    /// `bpf_skb_change_protocol`: `skb->protocol = htons(proto)` (there is no dst to drop here).
    static func setProtocol(_ skb: SkBuff, _ etherType: UInt16) { skb.etherType = etherType }

    /// `eth_type_vlan`.
    static func isVLANEtherType(_ etherType: UInt16) -> Bool { etherType == 0x8100 || etherType == 0x88a8 }
}
