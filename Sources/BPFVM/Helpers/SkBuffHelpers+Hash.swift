public import PacketBuffer

// bpf_get_hash_recalc (net/core/filter.c) = skb_get_hash (include/linux/skbuff.h): the packet's
// flow hash, computed once by the flow dissector when no software or L4 hash is set.
//
// The kernel hashes the dissected flow keys with siphash under `hashrnd`, a key drawn at random
// once per boot (net/core/flow_dissector.c `__flow_hash_from_keys`), so no user-space value can
// equal it, and it differs between machines and reboots. This one keeps the kernel's shape —
// the same keys (addresses, ports, protocol), ordered so both directions of a flow hash alike
// (`__flow_hash_consistentify`), never 0, software hash set, L4 when ports were found — with a
// fixed FNV-1a in place of the keyed siphash, so results are reproducible.

extension SkBuffHelpers {
    /// `bpf_get_hash_recalc(skb)`: `skb->hash`, computing it first when neither a software nor an
    /// L4 hash is set. The computed value is skbpf's own (see the file comment), not the kernel's.
    public static func getHashRecalc(_ skb: SkBuff) -> UInt64 {
        let m = skb.metadata
        if !m.pointee.isL4Hash && !m.pointee.isSoftwareHash {
            let (hash, hasPorts) = flowHash(skb)
            m.pointee.hash = hash
            m.pointee.isSoftwareHash = true
            m.pointee.isL4Hash = hasPorts
        }
        return UInt64(m.pointee.hash)
    }

    /// A symmetric hash of the packet's flow keys and whether they include L4 ports; 0 keys hash too
    /// (a non-IP packet hashes its EtherType alone), and a zero result becomes 1, as in the kernel.
    static func flowHash(_ skb: SkBuff) -> (hash: UInt32, hasPorts: Bool) {
        var etherType = skb.etherType
        var offset = skb.networkHeaderOffsetFromData ?? 0
        // In-packet VLAN tags: the network header points at the 4-byte vlan_hdr (TCI, inner type).
        var depth = 0
        while isVLANEtherType(etherType), depth < 2, let inner = skb.getUInt16BE(at: offset + 2) {
            etherType = inner
            offset += 4
            depth += 1
        }
        var source: [UInt8] = [], destination: [UInt8] = []
        var ipProtocol: UInt8 = 0
        var transportOffset: Int?
        switch etherType {
        case 0x0800:
            guard let versionIHL = skb.getUInt8(at: offset), versionIHL >> 4 == 4,
                  let fragment = skb.getUInt16BE(at: offset + 6), let proto = skb.getUInt8(at: offset + 9),
                  skb.length >= offset + 20
            else { break }
            ipProtocol = proto
            source = bytes(skb, at: offset + 12, count: 4)
            destination = bytes(skb, at: offset + 16, count: 4)
            // Fragments (offset or more-fragments set) carry no ports the dissector would use.
            if fragment & 0x3fff == 0 { transportOffset = offset + Int(versionIHL & 0xf) * 4 }
        case 0x86dd:
            guard let version = skb.getUInt8(at: offset), version >> 4 == 6,
                  let next = skb.getUInt8(at: offset + 6), skb.length >= offset + 40
            else { break }
            ipProtocol = next
            source = bytes(skb, at: offset + 8, count: 16)
            destination = bytes(skb, at: offset + 24, count: 16)
            transportOffset = offset + 40
        default:
            break
        }
        var sourcePort: UInt16 = 0, destinationPort: UInt16 = 0
        var hasPorts = false
        // TCP, UDP, DCCP, SCTP, UDP-Lite: ports are the first four bytes.
        if let at = transportOffset, [6, 17, 33, 132, 136].contains(ipProtocol),
           let s = skb.getUInt16BE(at: at), let d = skb.getUInt16BE(at: at + 2) {
            sourcePort = s
            destinationPort = d
            hasPorts = true
        }
        if destination.lexicographicallyPrecedes(source)
            || (destination == source && destinationPort < sourcePort) {
            swap(&source, &destination)
            swap(&sourcePort, &destinationPort)
        }
        var hash: UInt32 = 0x811c_9dc5
        func mix(_ byte: UInt8) { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        for byte in source { mix(byte) }
        for byte in destination { mix(byte) }
        for value in [sourcePort, destinationPort, etherType] {
            mix(UInt8(value >> 8))
            mix(UInt8(value & 0xff))
        }
        mix(ipProtocol)
        return (hash == 0 ? 1 : hash, hasPorts)
    }

    private static func bytes(_ skb: SkBuff, at offset: Int, count: Int) -> [UInt8] {
        (0..<count).map { skb.getUInt8(at: offset + $0) ?? 0 }
    }
}
