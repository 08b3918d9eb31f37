import PacketBuffer

/// `struct virtio_net_hdr` (include/uapi/linux/virtio_net.h), the 10 bytes before each packet on
/// a TUN device opened with IFF_VNET_HDR: how the kernel hands over a GSO super-packet (up to
/// 64 KiB, cut into `gso_size` segments later) and a checksum left to finish (CHECKSUM_PARTIAL).
/// Read into and written from the SkBuff's own fields (`gso_*`, `ip_summed`, `csum_start/offset`),
/// so programs see the kernel's values and helpers keep the partial checksum right on rewrite.
struct VirtioHeader {
    static let byteCount = 10
    static let needsChecksum: UInt8 = 1       // VIRTIO_NET_HDR_F_NEEDS_CSUM
    // gso_type values, and the SKB_GSO_* bits they stand for.
    static let gsoNone: UInt8 = 0, gsoTCPv4: UInt8 = 1, gsoUDP: UInt8 = 3, gsoTCPv6: UInt8 = 4, gsoUDPL4: UInt8 = 5
    static let gsoECN: UInt8 = 0x80
    static let skbTCPv4: UInt32 = 1 << 0, skbTCPECN: UInt32 = 1 << 2, skbTCPv6: UInt32 = 1 << 4, skbUDPL4: UInt32 = 1 << 16
    static let skbDodgy: UInt32 = 1 << 1  // from an untrusted source, as tun marks it

    /// Applies the header at `skb.data` to `skb` and pulls it; false when it describes a packet
    /// the kernel would refuse (csum range past the end, unknown GSO type).
    static func receive(into skb: SkBuff) -> Bool {
        guard skb.length >= byteCount else { return false }
        let p = UnsafeRawPointer(skb.data)
        let flags = p.load(as: UInt8.self)
        let gsoType = p.load(fromByteOffset: 1, as: UInt8.self)
        let headerLength = Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        let gsoSize = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let checksumStart = Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))
        let checksumOffset = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        skb.pull(byteCount)
        if flags & needsChecksum != 0 {
            guard checksumStart + Int(checksumOffset) + 2 <= skb.length else { return false }
            skb.checksumState = .partial
            skb.checksumStart = UInt16(truncatingIfNeeded: skb.headroom + checksumStart)
            skb.checksumOffset = checksumOffset
        }
        var type: UInt32
        switch gsoType & ~gsoECN {
        case gsoNone: return true  // not GSO: gso_size is ignored, as the kernel does
        case gsoTCPv4: type = skbTCPv4
        case gsoTCPv6: type = skbTCPv6
        case gsoUDPL4: type = skbUDPL4
        default: return false
        }
        guard gsoSize > 0 else { return false }
        if gsoType & gsoECN != 0 { type |= skbTCPECN }
        skb.gsoType = type | skbDodgy
        skb.gsoSize = gsoSize
        let payload = max(0, skb.length - max(headerLength, checksumStart))
        skb.gsoSegments = UInt16(clamping: (payload + Int(gsoSize) - 1) / Int(gsoSize))
        return true
    }

    /// The header for sending `skb` (`virtio_net_hdr_from_skb`), stored at `into`.
    static func transmit(_ skb: SkBuff, into header: UnsafeMutableRawPointer) {
        header.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        var headerLength = 0
        if skb.checksumState == .partial {
            let start = skb.checksumStartOffset
            guard start >= 0 else { return }
            header.storeBytes(of: needsChecksum, as: UInt8.self)
            header.storeBytes(of: UInt16(truncatingIfNeeded: start).littleEndian, toByteOffset: 6, as: UInt16.self)
            header.storeBytes(of: skb.checksumOffset.littleEndian, toByteOffset: 8, as: UInt16.self)
            // The headers end after the transport header: TCP's data offset, or UDP's 8 bytes.
            let isTCP = skb.checksumOffset == 16
            if isTCP && start + 13 < skb.length {
                headerLength = start + Int(skb.data.load(fromByteOffset: start + 12, as: UInt8.self) >> 4) * 4
            } else {
                headerLength = start + 8
            }
        }
        guard skb.gsoSize > 0 else { return }
        let type = skb.gsoType
        var gso: UInt8 = type & skbTCPv4 != 0 ? gsoTCPv4 : type & skbTCPv6 != 0 ? gsoTCPv6 : type & skbUDPL4 != 0 ? gsoUDPL4 : gsoNone
        if gso == gsoNone { return }
        if type & skbTCPECN != 0 { gso |= gsoECN }
        header.storeBytes(of: gso, toByteOffset: 1, as: UInt8.self)
        header.storeBytes(of: UInt16(truncatingIfNeeded: headerLength).littleEndian, toByteOffset: 2, as: UInt16.self)
        header.storeBytes(of: skb.gsoSize.littleEndian, toByteOffset: 4, as: UInt16.self)
    }
}
