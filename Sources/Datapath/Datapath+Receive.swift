import BPFVM
import PacketBuffer

// The receive side: a device's ingress hook, the IP layer's checks, prerouting, the routing
// decision and forwarding (TTL, MTU, the forward hook).

extension Datapath {
    static let ethernetHeaderLength = 14
    static let vlanHeaderLength = 4

    /// A packet arriving on device `d` (from the wire, or redirected to its ingress).
    func ingress(_ skb: SkBuff, _ d: Int) -> PacketFate {
        let counters = deviceCounters + d
        counters.pointee.rxPackets &+= 1
        counters.pointee.rxBytes &+= skb.length
        let ifindex = self.ifindex(ofDevice: d)
        skb.ifindex = ifindex
        skb.ingressIfindex = ifindex
        let hasLinkHeader = deviceFacts[d].hasLinkHeader
        if hasLinkHeader && (skb.etherType == 0x8100 || skb.etherType == 0x88A8) { untagVLAN(skb) }

        let outcome = runHook(.ingress, ingressPrograms[d], skb)
        if case .drop = outcome { counters.pointee.rxDropped &+= 1 }
        if let fate = conclude(outcome, skb, at: .ingress, atLinkHeader: hasLinkHeader) { return fate }

        if hasLinkHeader {
            // What the program left in the Ethernet header is what the packet carries on.
            if skb.length >= 12 {
                current.pointee.arrivalDestination = Self.loadMAC(skb.data)
                current.pointee.arrivalSource = Self.loadMAC(skb.data + 6)
                current.pointee.hasArrivalAddresses = true
            }
            let networkOffset = skb.networkHeaderOffsetFromData ?? Self.ethernetHeaderLength
            guard networkOffset >= 0, networkOffset <= skb.length else {
                counters.pointee.rxDropped &+= 1
                return drop(skb, .linkHeader, at: nil, atLinkHeader: true)
            }
            skb.pull(networkOffset)
            // Past the link layer the packet has no MAC header of its own (as on an L3 device):
            // helpers that take `mac_len` bytes after `data` as the link header (change_proto,
            // adjust_room) then work at the netfilter hooks, whose `data` is the network header.
            skb.resetMacHeader()
            skb.resetMacLength()
        }
        return networkReceive(skb, d)
    }

    /// `skb_vlan_untag()`: the outer tag moves into `vlan_proto`/`vlan_tci` and out of the bytes,
    /// as a device with VLAN offload delivers it; the inner protocol becomes `skb->protocol`.
    func untagVLAN(_ skb: SkBuff) {
        guard skb.length >= Self.ethernetHeaderLength + Self.vlanHeaderLength, !skb.vlanPresent else { return }
        let p = skb.data
        let tagProtocol = p.loadUnaligned(fromByteOffset: 12, as: UInt16.self)
        let tci = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 14, as: UInt16.self))
        let inner = p.loadUnaligned(fromByteOffset: 16, as: UInt16.self)
        // The addresses move up over the tag; the inner type stays where the outer one was read.
        (p + Self.vlanHeaderLength).copyMemory(from: p, byteCount: 12)
        skb.pull(Self.vlanHeaderLength)
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: Self.ethernetHeaderLength)
        skb.resetMacLength()
        skb.metadata.pointee.vlanProtoBigEndian = tagProtocol
        skb.metadata.pointee.vlanTCI = tci
        skb.protocolBigEndian = inner
    }

    /// The IP layer's receive checks (`ip_rcv_core`, `ipv6_rcv`), then prerouting.
    func networkReceive(_ skb: SkBuff, _ d: Int) -> PacketFate {
        let failure = networkVersion(skb).map { $0 ? IPHeader.validateIPv6(skb) : IPHeader.validateIPv4(skb) } ?? .notIP
        if let failure {
            deviceCounters[d].rxDropped &+= 1
            return drop(skb, failure, at: nil, atLinkHeader: false)
        }
        let outcome = runHook(.prerouting, hookPrograms[HookPoint.prerouting.rawValue], skb)
        if let fate = conclude(outcome, skb, at: .prerouting, atLinkHeader: false) { return fate }
        return routeInput(skb, d)
    }

    /// The routing decision for a received packet, on the header as prerouting left it (a DNAT
    /// rewrote the destination; NAT64 changed the protocol).
    func routeInput(_ skb: SkBuff, _ d: Int) -> PacketFate {
        guard let isIPv6 = networkVersion(skb) else { return drop(skb, .notIP, at: nil, atLinkHeader: false) }
        guard hasMinimalHeader(skb, isIPv6: isIPv6) else { return drop(skb, .badIPHeader, at: nil, atLinkHeader: false) }
        let (source, destination) = IPHeader.addresses(skb, isIPv6: isIPv6)
        if IPHeader.isMartian(source: source, destination: destination) {
            return drop(skb, .martianAddress, at: nil, atLinkHeader: false)
        }
        if IPHeader.isGroupDestination(destination) { return drop(skb, .notRoutable, at: nil, atLinkHeader: false) }
        switch routes.lookup(destination, mark: skb.mark) {
        case .local: return localInput(skb, isIPv6: isIPv6)
        case .unicast(let out): return forward(skb, out, isIPv6: isIPv6)
        case .unreachable: return drop(skb, .noRoute, at: nil, atLinkHeader: false)
        }
    }

    /// `ip_forward`/`ip6_forward`: TTL, MTU, the TTL decrement, then the forward hook.
    func forward(_ skb: SkBuff, _ out: Int, isIPv6: Bool) -> PacketFate {
        let ttl = skb.data.load(fromByteOffset: isIPv6 ? 7 : 8, as: UInt8.self)
        guard ttl > 1 else { return drop(skb, .ttlExpired, at: nil, atLinkHeader: false) }
        // A GSO super-packet is cut into segments of gso_size later: the MTU holds for those.
        guard skb.length <= deviceFacts[out].mtu || skb.gsoSize > 0 else {
            deviceCounters[out].txDropped &+= 1
            return drop(skb, .packetTooBig, at: nil, atLinkHeader: false)
        }
        _ = IPHeader.decrementTimeToLive(skb, isIPv6: isIPv6)
        let outcome = runHook(.forward, hookPrograms[HookPoint.forward.rawValue], skb)
        if let fate = conclude(outcome, skb, at: .forward, atLinkHeader: false) { return fate }
        return postrouting(skb, out)
    }

    /// IPv4 (false) or IPv6 (true) from `skb->protocol`, nil for anything else.
    @inline(__always)
    func networkVersion(_ skb: SkBuff) -> Bool? {
        switch skb.etherType {
        case IPHeader.ipv4EtherType: false
        case IPHeader.ipv6EtherType: true
        default: nil
        }
    }

    /// After a program ran: the header is still long enough to read and of the protocol's version.
    @inline(__always)
    func hasMinimalHeader(_ skb: SkBuff, isIPv6: Bool) -> Bool {
        guard skb.length >= (isIPv6 ? 40 : 20) else { return false }
        return skb.data.load(as: UInt8.self) >> 4 == (isIPv6 ? 6 : 4)
    }

    @inline(__always)
    package static func loadMAC(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(UInt16(bigEndian: p.loadUnaligned(as: UInt16.self))) << 32
            | UInt64(UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self)))
    }

    @inline(__always)
    static func storeMAC(_ address: UInt64, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: UInt16(truncatingIfNeeded: address >> 32).bigEndian, as: UInt16.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: address).bigEndian, toByteOffset: 2, as: UInt32.self)
    }
}
