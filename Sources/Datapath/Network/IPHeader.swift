public import PacketBuffer
import BPFVM

// What the network layer reads and checks in IP headers, from `data` (the network header):
//
//   IPv4  |ver ihl|tos|tot_len|id|frag_off|ttl|proto|check|saddr|daddr|options…|
//          0       1   2       4  6        8   9     10    12    16    20
//   IPv6  |ver tc flow (4)|payload_len 2|next 1|hop_limit 1|saddr 16|daddr 16|   40 bytes
//
// Mirrors ip_rcv_core() and ipv6_rcv(): header checks, then the packet trimmed to the length the
// header gives (Ethernet pads short frames; `pskb_trim_rcsum`).

/// IP header reading and the forwarding rewrites, on packets whose `data` is the network header.
enum IPHeader {
    static let ipv4EtherType: UInt16 = 0x0800
    static let ipv6EtherType: UInt16 = 0x86DD

    /// Checks the header of an IPv4 packet at `data` and trims link padding; sets the transport
    /// header. Nil when it is sound, else why not.
    static func validateIPv4(_ skb: SkBuff) -> DropReason? {
        let length = skb.length
        guard length >= 20 else { return .badIPHeader }
        let p = UnsafeRawPointer(skb.data)
        let versionAndLength = p.load(as: UInt8.self)
        let headerLength = Int(versionAndLength & 0x0f) * 4
        guard versionAndLength >> 4 == 4, headerLength >= 20, headerLength <= length else { return .badIPHeader }
        let totalLength = Int(UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        guard totalLength >= headerLength, totalLength <= length else { return .badIPHeader }
        guard InternetChecksum.fold(InternetChecksum.partial(UnsafeRawBufferPointer(start: p, count: headerLength), seed: 0)) == 0
        else { return .badIPChecksum }
        if totalLength < length { skb.trim(to: totalLength) }
        skb.setTransportHeader(offsetFromData: headerLength)
        return nil
    }

    /// ``validateIPv4(_:)`` for IPv6 (a zero payload length, a jumbogram, is refused).
    static func validateIPv6(_ skb: SkBuff) -> DropReason? {
        let length = skb.length
        guard length >= 40 else { return .badIPHeader }
        let p = UnsafeRawPointer(skb.data)
        guard p.load(as: UInt8.self) >> 4 == 6 else { return .badIPHeader }
        let totalLength = 40 + Int(UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
        guard totalLength > 40, totalLength <= length else { return .badIPHeader }
        if totalLength < length { skb.trim(to: totalLength) }
        skb.setTransportHeader(offsetFromData: 40)
        return nil
    }

    /// Source and destination of the packet at `data` (its header already validated).
    @inline(__always)
    static func addresses(_ skb: SkBuff, isIPv6: Bool) -> (source: IPAddress, destination: IPAddress) {
        let p = UnsafeRawPointer(skb.data)
        if isIPv6 {
            func half(_ offset: Int) -> UInt64 { UInt64(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            return (IPAddress(ipv6High: half(8), low: half(16)), IPAddress(ipv6High: half(24), low: half(32)))
        }
        func word(_ offset: Int) -> UInt32 { UInt32(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        return (IPAddress(ipv4: word(12)), IPAddress(ipv4: word(16)))
    }

    /// Addresses no packet from a device may carry (`ip_route_input_slow`'s martians, and
    /// `ipv6_rcv`'s loopback check): loopback or unspecified source or destination.
    static func isMartian(source: IPAddress, destination: IPAddress) -> Bool {
        if source.version == 4 {
            let s = source.ipv4, d = destination.ipv4
            return s >> 24 == 127 || d >> 24 == 127 || s >> 24 == 0 || d >> 24 == 0
        }
        let isLoopback = { (a: IPAddress) in a.high == 0 && a.low == 1 }
        return isLoopback(source) || isLoopback(destination) || (destination.high == 0 && destination.low == 0)
    }

    /// Multicast and limited broadcast destinations, which are not forwarded.
    static func isGroupDestination(_ destination: IPAddress) -> Bool {
        if destination.version == 4 { return destination.ipv4 >> 28 == 0xe || destination.ipv4 == 0xffff_ffff }
        return destination.high >> 56 == 0xff
    }

    /// `ip_decrease_ttl`/`hop_limit--` of forwarding: the packet's TTL after the decrement, or
    /// nil when it was ≤ 1 (expired; nothing changed). IPv4 checksum updated incrementally
    /// (RFC 1624), as the kernel does.
    static func decrementTimeToLive(_ skb: SkBuff, isIPv6: Bool) -> UInt8? {
        let p = skb.data
        if isIPv6 {
            let hopLimit = p.load(fromByteOffset: 7, as: UInt8.self)
            guard hopLimit > 1 else { return nil }
            p.storeBytes(of: hopLimit - 1, toByteOffset: 7, as: UInt8.self)
            return hopLimit - 1
        }
        let ttl = p.load(fromByteOffset: 8, as: UInt8.self)
        guard ttl > 1 else { return nil }
        // ip_decrease_ttl() bit for bit, on the raw (network-order) word: `check += htons(0x0100);
        // check + (check >= 0xFFFF)` (so 0xFFFF becomes 0, as in the kernel).
        var check = UInt32(p.loadUnaligned(fromByteOffset: 10, as: UInt16.self))
        check += UInt32(UInt16(0x0100).bigEndian)
        check += check >= 0xFFFF ? 1 : 0
        p.storeBytes(of: UInt16(truncatingIfNeeded: check), toByteOffset: 10, as: UInt16.self)
        p.storeBytes(of: ttl - 1, toByteOffset: 8, as: UInt8.self)
        return ttl - 1
    }

    /// Whether an IPv4 packet forbids fragmentation (DF).
    static func isDontFragment(_ skb: SkBuff) -> Bool {
        skb.data.load(fromByteOffset: 6, as: UInt8.self) & 0x40 != 0
    }

    /// The transport protocol and the offset of its header from `data`: IPv4's protocol field
    /// (nil for a non-first fragment, which carries no ports); IPv6's next header after the
    /// hop-by-hop, routing, fragment and destination-options extension headers.
    static func transport(_ skb: SkBuff, isIPv6: Bool) -> (protocolNumber: UInt8, offset: Int)? {
        let p = UnsafeRawPointer(skb.data)
        let length = skb.length
        if !isIPv6 {
            let fragmentOffset = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 6, as: UInt16.self)) & 0x1fff
            guard fragmentOffset == 0 else { return nil }
            return (p.load(fromByteOffset: 9, as: UInt8.self), Int(p.load(as: UInt8.self) & 0x0f) * 4)
        }
        var next = p.load(fromByteOffset: 6, as: UInt8.self)
        var offset = 40
        for _ in 0..<8 {
            switch next {
            case 0, 43, 60:  // hop-by-hop, routing, destination options
                guard offset + 8 <= length else { return nil }
                let extensionLength = (Int(p.load(fromByteOffset: offset + 1, as: UInt8.self)) + 1) * 8
                next = p.load(fromByteOffset: offset, as: UInt8.self)
                offset += extensionLength
            case 44:  // fragment: only the first carries the transport header
                guard offset + 8 <= length else { return nil }
                let fragmentOffset = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)) & 0xfff8
                guard fragmentOffset == 0 else { return nil }
                next = p.load(fromByteOffset: offset, as: UInt8.self)
                offset += 8
            default:
                return (next, offset)
            }
        }
        return nil
    }
}
