// Linux's classic BPF extensions (include/uapi/linux/filter.h): an absolute load whose offset is
// at or above SKF_AD_OFF reads socket-buffer metadata instead of packet bytes, and offsets at
// SKF_NET_OFF / SKF_LL_OFF (+ up to 1 MiB) read relative to the network / link-layer header.
//
//    k (as a signed 32-bit offset)
//    ─────────────────────────────────────────────────────────────────────────────►
//    SKF_LL_OFF (-0x200000)    SKF_NET_OFF (-0x100000)    SKF_AD_OFF (-0x1000)    0
//    │ link header + (k - LL)  │ network header + (k - NET) │ ancillary: k - AD    │ packet data + k

/// One ancillary field (`SKF_AD_*`), by its offset above `SKF_AD_OFF`.
public enum AncillaryField: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// `ntohs(skb->protocol)`.
    case `protocol` = 0
    /// `skb->pkt_type` (PACKET_HOST …).
    case packetType = 4
    /// `skb->dev->ifindex`.
    case ifindex = 8
    /// Offset of the netlink attribute of type X after offset A, or 0.
    case netlinkAttribute = 12
    /// The same, inside the nested attribute at offset A.
    case nestedNetlinkAttribute = 16
    /// `skb->mark`.
    case mark = 20
    /// `skb->queue_mapping`.
    case queue = 24
    /// `skb->dev->type` (ARPHRD_*).
    case hardwareType = 28
    /// `skb->hash`.
    case receiveHash = 32
    /// The CPU running the filter.
    case cpu = 36
    /// `A ^= X`.
    case xorX = 40
    /// `skb->vlan_tci`.
    case vlanTag = 44
    /// Whether a VLAN tag is held outside the packet (1 or 0).
    case vlanTagPresent = 48
    /// Offset of the payload past the transport header, from the flow dissector.
    case payloadOffset = 52
    /// A pseudo-random 32-bit number.
    case random = 56
    /// `ntohs(skb->vlan_proto)`.
    case vlanProtocol = 60

    /// `SKF_AD_OFF` as the unsigned `k` an instruction holds (-0x1000).
    public static let ancillaryBase: UInt32 = 0xffff_f000
    /// `SKF_NET_OFF`: loads at `k - SKF_NET_OFF` bytes from the network header (-0x100000).
    public static let networkHeaderBase: UInt32 = 0xfff0_0000
    /// `SKF_LL_OFF`: loads at `k - SKF_LL_OFF` bytes from the link-layer header (-0x200000).
    public static let linkHeaderBase: UInt32 = 0xffe0_0000

    /// The field an absolute load at `k` reads, or nil when `k` is below `SKF_AD_OFF` (a packet
    /// load) or an offset the kernel does not define (``isReserved(_:)``).
    public init?(k: UInt32) {
        guard k >= Self.ancillaryBase else { return nil }
        self.init(rawValue: k &- Self.ancillaryBase)
    }

    /// True for `k` in the ancillary area that names no field: the kernel refuses such a load.
    public static func isReserved(_ k: UInt32) -> Bool { k >= ancillaryBase && AncillaryField(k: k) == nil }

    /// The instruction constant that loads this field.
    public var k: UInt32 { Self.ancillaryBase &+ rawValue }

    /// The kernel's name without `SKF_AD_` (`PROTOCOL`, `VLAN_TAG_PRESENT`).
    public var kernelName: String {
        switch self {
        case .protocol: "PROTOCOL"
        case .packetType: "PKTTYPE"
        case .ifindex: "IFINDEX"
        case .netlinkAttribute: "NLATTR"
        case .nestedNetlinkAttribute: "NLATTR_NEST"
        case .mark: "MARK"
        case .queue: "QUEUE"
        case .hardwareType: "HATYPE"
        case .receiveHash: "RXHASH"
        case .cpu: "CPU"
        case .xorX: "ALU_XOR_X"
        case .vlanTag: "VLAN_TAG"
        case .vlanTagPresent: "VLAN_TAG_PRESENT"
        case .payloadOffset: "PAY_OFFSET"
        case .random: "RANDOM"
        case .vlanProtocol: "VLAN_TPID"
        }
    }

    /// The name bpf_asm and `tcpdump -d` use (`#proto`, `#vlan_avail`).
    public var assemblyName: String {
        switch self {
        case .protocol: "proto"
        case .packetType: "type"
        case .ifindex: "ifidx"
        case .netlinkAttribute: "nla"
        case .nestedNetlinkAttribute: "nlan"
        case .mark: "mark"
        case .queue: "queue"
        case .hardwareType: "hatype"
        case .receiveHash: "rxhash"
        case .cpu: "cpu"
        case .xorX: "xor_x"
        case .vlanTag: "vlan_tci"
        case .vlanTagPresent: "vlan_avail"
        case .payloadOffset: "poff"
        case .random: "rand"
        case .vlanProtocol: "vlan_tpid"
        }
    }

    public var description: String { "SKF_AD_\(kernelName)" }
}
