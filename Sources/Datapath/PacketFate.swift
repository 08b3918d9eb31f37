/// Where a packet's way ended: every packet the datapath takes ends in exactly one of these.
public enum PacketFate: Sendable, Hashable {
    /// Sent out of the device with this index.
    case transmitted(device: Int)
    /// Delivered to the local socket with this index; nil: consumed by the host stack itself
    /// (a local ICMP message, say), which has no socket to queue it on.
    case delivered(socket: Int?)
    /// Dropped, for `reason`, at `hook` when a program or the hook's own processing decided.
    case dropped(DropReason, hook: HookPoint?)
    /// Consumed by a program (`TC_ACT_STOLEN`, `QUEUED`, `TRAP`).
    case stolen(hook: HookPoint)

    /// The verdict word of the summary and of `verdicts.jsonl`.
    public var verdictName: String {
        switch self {
        case .transmitted: "sent"
        case .delivered: "local"
        case .dropped: "dropped"
        case .stolen: "stolen"
        }
    }
}

/// Why a packet was dropped: each is a counter of the summary (`drops_by_reason`).
public enum DropReason: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// A program returned `TC_ACT_SHOT`, or a socket filter 0 at a tc hook.
    case program
    /// `TC_ACT_REDIRECT` without a (valid) target: no `bpf_redirect`, or no such device.
    case redirectFailed
    /// More redirects than ``Datapath/redirectLimit`` for one packet.
    case redirectLoop
    /// A program stopped with a fault (only unverified programs can).
    case programFault
    /// The link-layer header is missing, cut short or of an unsupported type.
    case linkHeader
    /// Not IPv4 or IPv6 at the network layer (ARP, a second VLAN tag…): nothing routes it.
    case notIP
    /// Bad IP version, header length or total length (`ip_rcv_core`, `ipv6_rcv`).
    case badIPHeader
    /// IPv4 header checksum wrong.
    case badIPChecksum
    /// A loopback or unspecified address arriving from outside (`ip_route_input_slow`'s martians).
    case martianAddress
    /// Multicast or broadcast, which this datapath does not forward.
    case notRoutable
    /// No route to the destination.
    case noRoute
    /// TTL or hop limit would reach zero on forwarding.
    case ttlExpired
    /// Larger than the output device's MTU (no fragmentation here: IPv4 with DF or not, IPv6).
    case packetTooBig
    /// A UDP or TCP packet for a local address with no socket bound to its port.
    case noSocket
    /// A socket filter returned 0 (`sk_filter` refused it).
    case socketFilter
    /// The socket's receive buffer was full (`sk_drops`).
    case socketBufferFull
    /// The output can not carry the packet (an IPv6 packet on an IPv4-only capture link, say).
    case linkTypeMismatch
    /// A capture filter refused the packet before the device took it in (`replay --filter`):
    /// not a packet of the replay, so no output receives it (the input holds it).
    case filtered

    /// The name used in the summary and in `verdicts.jsonl`.
    public var name: String {
        switch self {
        case .program: "program"
        case .redirectFailed: "redirect-failed"
        case .redirectLoop: "redirect-loop"
        case .programFault: "program-fault"
        case .linkHeader: "link-header"
        case .notIP: "not-ip"
        case .badIPHeader: "bad-ip-header"
        case .badIPChecksum: "bad-ip-checksum"
        case .martianAddress: "martian-address"
        case .notRoutable: "not-routable"
        case .noRoute: "no-route"
        case .ttlExpired: "ttl-expired"
        case .packetTooBig: "packet-too-big"
        case .noSocket: "no-socket"
        case .socketFilter: "socket-filter"
        case .socketBufferFull: "socket-buffer-full"
        case .linkTypeMismatch: "link-type-mismatch"
        case .filtered: "filtered"
        }
    }

    public var description: String { name }
}
