public import PacketBuffer

// bpf_skb_vlan_push / bpf_skb_vlan_pop (net/core/filter.c) over skb_vlan_push / skb_vlan_pop /
// __skb_vlan_pop (net/core/skbuff.c) and the if_vlan.h inlines. The kernel keeps the outermost
// tag out of band (`skb->vlan_proto/vlan_tci`, the "hwaccel" tag): a push only moves an already
// held tag into the bytes; a pop clears the held tag (or strips one from the bytes) and then
// lifts the next in-packet tag out of band.
//
//   frame with a tag in the bytes (data = mac header):
//   | dst(6) | src(6) | TPID(2) | TCI(2) | inner type(2) | L3 …
//                     ^ +12     ^ +14: where the network header points after an insert
//
// Not modelled: `bpf_push_mac_rcsum`/`bpf_pull_mac_rcsum`, which only act at tc ingress on a
// CHECKSUM_COMPLETE skb (a test run is neither, so they are no-ops there).

extension SkBuffHelpers {
    static let vlanHeaderLength = 4
    static let vlanEthernetHeaderLength = 18

    /// `bpf_skb_vlan_push(skb, vlan_proto, vlan_tci)`: `vlan_proto` is the `__be16` the program
    /// passes (`bpf_htons(ETH_P_8021Q)`); any value other than 802.1Q/802.1ad becomes 802.1Q
    /// (measured: proto 0x0800 returns 0 and holds a 0x8100 tag). Returns 0, or -EINVAL when a
    /// held tag must go into the bytes but `data` is not at the MAC header.
    public static func vlanPush(_ skb: SkBuff, protocol rawProtocol: UInt64, tci rawTCI: UInt64) -> UInt64 {
        var protocolBE = UInt16(truncatingIfNeeded: rawProtocol)
        let etherType = UInt16(bigEndian: protocolBE)
        if !isVLANEtherType(etherType) { protocolBE = UInt16(0x8100).bigEndian }
        let tci = UInt16(truncatingIfNeeded: rawTCI)
        let m = skb.metadata
        if m.pointee.vlanProtoBigEndian != 0 || m.pointee.vlanTCI != 0 {
            guard skb.macHeaderOffsetFromData == 0 else { return HelperErrno.invalid.returnValue }
            insertTag(skb, protocolBigEndian: m.pointee.vlanProtoBigEndian, tci: m.pointee.vlanTCI)
            m.pointee.protocolBigEndian = m.pointee.vlanProtoBigEndian
            m.pointee.networkHeaderOffset -= vlanHeaderLength
            postPushChecksum(skb, offset: 12, count: vlanHeaderLength)
        }
        m.pointee.vlanProtoBigEndian = protocolBE
        m.pointee.vlanTCI = tci
        return 0
    }

    /// `bpf_skb_vlan_pop(skb)`: clears the held tag, or strips an in-packet one when `protocol` is
    /// a VLAN type; then, if the packet still starts with a tag, moves it out of band. Returns 0,
    /// -EINVAL when `data` is not at the MAC header, -ENOMEM when the frame is shorter than 18 bytes.
    public static func vlanPop(_ skb: SkBuff) -> UInt64 {
        let m = skb.metadata
        if m.pointee.vlanProtoBigEndian != 0 || m.pointee.vlanTCI != 0 {
            m.pointee.vlanProtoBigEndian = 0
            m.pointee.vlanTCI = 0
        } else {
            guard isVLANEtherType(skb.etherType) else { return 0 }
            var ignored: UInt16 = 0
            if let error = popTagFromBytes(skb, tci: &ignored) { return error.returnValue }
        }
        guard isVLANEtherType(skb.etherType) else { return 0 }
        let heldProtocol = m.pointee.protocolBigEndian
        var tci: UInt16 = 0
        if let error = popTagFromBytes(skb, tci: &tci) { return error.returnValue }
        m.pointee.vlanProtoBigEndian = heldProtocol
        m.pointee.vlanTCI = tci
        return 0
    }

    /// `__vlan_insert_tag(skb, proto, tci)` (mac_len = ETH_HLEN): 4 bytes in after the addresses.
    package static func insertTag(_ skb: SkBuff, protocolBigEndian: UInt16, tci: UInt16) {
        skb.ensureHeadroom(vlanHeaderLength)  // skb_cow_head
        guard let start = skb.tryPush(vlanHeaderLength) else { return }
        start.copyMemory(from: start + vlanHeaderLength, byteCount: 12)
        if skb.metadata.pointee.macHeaderOffset != SkBuff.unsetOffset {
            skb.metadata.pointee.macHeaderOffset -= vlanHeaderLength
        }
        start.storeBytes(of: protocolBigEndian, toByteOffset: 12, as: UInt16.self)
        start.storeBytes(of: tci.bigEndian, toByteOffset: 14, as: UInt16.self)
    }

    /// `__skb_vlan_pop`: strips the tag after the addresses, sets `protocol` to the inner type
    /// (`vlan_set_encap_proto`), gives back the TCI; nil on success.
    static func popTagFromBytes(_ skb: SkBuff, tci: inout UInt16) -> HelperErrno? {
        guard skb.macHeaderOffsetFromData == 0 else { return .invalid }
        guard skb.length >= vlanEthernetHeaderLength else { return .noMemory }  // skb_ensure_writable
        postPullChecksum(skb, offset: 12, count: vlanHeaderLength)
        let data = skb.data
        tci = UInt16(bigEndian: data.loadUnaligned(fromByteOffset: 14, as: UInt16.self))
        let innerBE = data.loadUnaligned(fromByteOffset: 16, as: UInt16.self)
        (data + vlanHeaderLength).copyMemory(from: data, byteCount: 12)
        if UInt16(bigEndian: innerBE) >= 0x600 {  // eth_proto_is_802_3
            skb.protocolBigEndian = innerBE
        } else {
            // Novell raw 802.3 carries 0xFFFF where an LLC header would start.
            let raw = skb.getUInt16(at: 18) ?? 0
            skb.etherType = raw == 0xffff ? 0x0001 : 0x0004  // ETH_P_802_3 : ETH_P_802_2
        }
        skb.pull(vlanHeaderLength)
        let m = skb.metadata
        m.pointee.macHeaderOffset += vlanHeaderLength
        if (skb.networkHeaderOffsetFromData ?? Int.min) < 14 { skb.setNetworkHeader(offsetFromData: 14) }
        return nil
    }
}
