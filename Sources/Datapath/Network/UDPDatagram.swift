import BPFVM
import PacketBuffer

/// Builds UDP datagrams as a local socket sends them (`udp_sendmsg` → `ip_make_skb`): IPv4 with
/// DF and TTL 64, or IPv6 with hop limit 64, and a full UDP checksum.
enum UDPDatagram {
    static let timeToLive: UInt8 = 64

    /// Fills `skb` (reset) with the datagram; `data` at the network header, headers set.
    static func build(into skb: SkBuff, source: IPAddress, destination: IPAddress, sourcePort: UInt16,
                      destinationPort: UInt16, payload: UnsafeRawBufferPointer) {
        let isIPv6 = source.version == 6
        let networkLength = isIPv6 ? 40 : 20
        let udpLength = 8 + payload.count
        skb.reset(headroom: 128)
        let p = skb.put(networkLength + udpLength)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: networkLength + udpLength)
        if isIPv6 {
            p.storeBytes(of: UInt8(0x60), as: UInt8.self)
            p.storeBytes(of: UInt16(udpLength).bigEndian, toByteOffset: 4, as: UInt16.self)
            p.storeBytes(of: UInt8(17), toByteOffset: 6, as: UInt8.self)
            p.storeBytes(of: timeToLive, toByteOffset: 7, as: UInt8.self)
            p.storeBytes(of: source.high.bigEndian, toByteOffset: 8, as: UInt64.self)
            p.storeBytes(of: source.low.bigEndian, toByteOffset: 16, as: UInt64.self)
            p.storeBytes(of: destination.high.bigEndian, toByteOffset: 24, as: UInt64.self)
            p.storeBytes(of: destination.low.bigEndian, toByteOffset: 32, as: UInt64.self)
            skb.etherType = IPHeader.ipv6EtherType
        } else {
            p.storeBytes(of: UInt8(0x45), as: UInt8.self)
            p.storeBytes(of: UInt16(networkLength + udpLength).bigEndian, toByteOffset: 2, as: UInt16.self)
            p.storeBytes(of: UInt16(0x4000).bigEndian, toByteOffset: 6, as: UInt16.self)
            p.storeBytes(of: timeToLive, toByteOffset: 8, as: UInt8.self)
            p.storeBytes(of: UInt8(17), toByteOffset: 9, as: UInt8.self)
            p.storeBytes(of: source.ipv4.bigEndian, toByteOffset: 12, as: UInt32.self)
            p.storeBytes(of: destination.ipv4.bigEndian, toByteOffset: 16, as: UInt32.self)
            let check = InternetChecksum.fold(InternetChecksum.partial(UnsafeRawBufferPointer(start: p, count: 20), seed: 0))
            p.storeBytes(of: check, toByteOffset: 10, as: UInt16.self)
            skb.etherType = IPHeader.ipv4EtherType
        }
        let u = p + networkLength
        u.storeBytes(of: sourcePort.bigEndian, as: UInt16.self)
        u.storeBytes(of: destinationPort.bigEndian, toByteOffset: 2, as: UInt16.self)
        u.storeBytes(of: UInt16(udpLength).bigEndian, toByteOffset: 4, as: UInt16.self)
        if let base = payload.baseAddress, payload.count > 0 { (u + 8).copyMemory(from: base, byteCount: payload.count) }
        // Pseudo-header: addresses (raw words), protocol and length, big-endian, summed as stored.
        let addressBytes = UnsafeRawBufferPointer(start: p + (isIPv6 ? 8 : 12), count: isIPv6 ? 32 : 8)
        var sum = InternetChecksum.partial(addressBytes, seed: 0)
        var tail = (UInt32(17).bigEndian, UInt32(udpLength).bigEndian)
        sum = withUnsafeBytes(of: &tail) { InternetChecksum.partial($0, seed: sum) }
        sum = InternetChecksum.partial(UnsafeRawBufferPointer(start: u, count: udpLength), seed: sum)
        var check = InternetChecksum.fold(sum)
        if check == 0 { check = 0xffff }  // 0 means "no checksum" in UDP
        u.storeBytes(of: check, toByteOffset: 6, as: UInt16.self)
        skb.resetNetworkHeader()
        skb.setTransportHeader(offsetFromData: networkLength)
    }
}
