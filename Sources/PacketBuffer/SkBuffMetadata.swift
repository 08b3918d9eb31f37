/// Everything an `SkBuff` knows besides its bytes, in one plain struct behind a stable pointer.
///
/// Kept out of the class's stored properties on purpose: the interpreter reads and writes these
/// fields for context accesses (`skb->mark`, `skb->len`…) through `SkBuff.metadata`, a raw
/// pointer, with no retain/release and no dynamic exclusivity check per access.
/// Mirrors the fields of `struct sk_buff` (include/linux/skbuff.h) the datapath and programs use.
public struct SkBuffMetadata {
    /// Start of the buffer (`skb->head`); moves only in ``SkBuff/expandHead(headroom:tailroom:)``.
    public var head: UnsafeMutableRawPointer
    /// Bytes from `head` to `end`.
    public var capacity: Int
    /// Offsets from `head`: `head <= data <= tail <= end`.
    public var dataOffset: Int
    public var tailOffset: Int
    /// Header offsets from `head` (`skb->mac_header` …); ``SkBuff/unsetOffset`` when not set.
    public var macHeaderOffset: Int
    public var networkHeaderOffset: Int
    public var transportHeaderOffset: Int

    /// EtherType in network byte order, as the kernel stores `skb->protocol` (a `__be16`):
    /// IPv4 reads as 0x0008 on this little-endian host.
    public var protocolBigEndian: UInt16
    /// `PACKET_HOST` … (the kernel's 3-bit `pkt_type`).
    public var packetType: UInt8
    public var mark: UInt32
    public var priority: UInt32
    public var hash: UInt32
    public var isSoftwareHash: Bool
    public var isL4Hash: Bool
    public var queueMapping: UInt16
    /// VLAN tag held outside the packet (hardware-accelerated tag, `skb->vlan_proto/vlan_tci`),
    /// `vlanProtoBigEndian` in network byte order; present when either is non-zero (`vlan_all`).
    public var vlanProtoBigEndian: UInt16
    public var vlanTCI: UInt16
    public var tcIndex: UInt16
    /// `skb->skb_iif`: the device the packet arrived on.
    public var ingressIfindex: UInt32
    /// `skb->dev->ifindex`: the device it is on now (0 for none).
    public var ifindex: UInt32
    public var timestamp: UInt64
    /// `BPF_SKB_TSTAMP_*` (0 unspecified, 1 delivery mono, 2 delivery TAI).
    public var timestampType: UInt8
    public var hardwareTimestamp: UInt64
    public var gsoSize: UInt16
    public var gsoSegments: UInt16
    public var gsoType: UInt32
    /// Bytes of metadata in front of `data` (`skb_metadata_len`): `data_meta = data - metaLength`.
    public var metaLength: UInt8
    public var napiID: UInt32
    /// `CHECKSUM_NONE` (0), `UNNECESSARY` (1), `COMPLETE` (2), `PARTIAL` (3).
    public var checksumState: UInt8
    /// `skb->csum`: for COMPLETE, the packet's ones'-complement sum; for PARTIAL see start/offset.
    public var checksum: UInt32
    public var checksumStart: UInt16
    public var checksumOffset: UInt16
    /// The 48-byte control block (`skb->cb`). The qdisc layer's `struct qdisc_skb_cb` lives in
    /// it: `pkt_len` at 0, `tc_classid` at 6, and the 20 bytes of `data[]` at 8 that BPF
    /// programs see as `__sk_buff.cb[0..4]`.
    public var controlBlock: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    init(head: UnsafeMutableRawPointer, capacity: Int) {
        self.head = head
        self.capacity = capacity
        dataOffset = 0
        tailOffset = 0
        macHeaderOffset = SkBuff.unsetOffset
        networkHeaderOffset = SkBuff.unsetOffset
        transportHeaderOffset = SkBuff.unsetOffset
        protocolBigEndian = 0
        packetType = 0
        mark = 0
        priority = 0
        hash = 0
        isSoftwareHash = false
        isL4Hash = false
        queueMapping = 0
        vlanProtoBigEndian = 0
        vlanTCI = 0
        tcIndex = 0
        ingressIfindex = 0
        ifindex = 0
        timestamp = 0
        timestampType = 0
        hardwareTimestamp = 0
        gsoSize = 0
        gsoSegments = 0
        gsoType = 0
        metaLength = 0
        napiID = 0
        checksumState = 0
        checksum = 0
        checksumStart = 0
        checksumOffset = 0
        controlBlock = (0, 0, 0, 0, 0, 0)
    }
}

/// `skb->pkt_type` values (include/uapi/linux/if_packet.h).
public enum PacketType: UInt8, Sendable, CaseIterable {
    case host = 0, broadcast = 1, multicast = 2, otherHost = 3, outgoing = 4, loopback = 5
}

/// `skb->ip_summed` values (include/linux/skbuff.h).
public enum ChecksumState: UInt8, Sendable, CaseIterable {
    case none = 0, unnecessary = 1, complete = 2, partial = 3
}
