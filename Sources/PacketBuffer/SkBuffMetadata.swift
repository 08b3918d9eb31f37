/// Everything an `SkBuff` knows besides its bytes, in one plain struct behind a stable pointer.
///
/// Kept out of the class's stored properties on purpose: the interpreter reads and writes these
/// fields for context accesses (`skb->mark`, `skb->len`…) through `SkBuff.metadata`, a raw
/// pointer, with no retain/release and no dynamic exclusivity check per access.
/// Mirrors the fields of `struct sk_buff` (include/linux/skbuff.h) the datapath and programs use,
/// plus the few of `struct skb_shared_info` (gso_*, hwtstamps, meta_len) a linear buffer needs.
///
/// Invariant (kept by `SkBuff`'s operations; code writing these fields directly keeps it too):
/// `0 <= dataOffset <= tailOffset <= capacity` and `metaLength <= dataOffset`. Header offsets
/// are not constrained (the kernel does not check them either).
public struct SkBuffMetadata {
    /// Start of the buffer (`skb->head`); moves only in ``SkBuff/expandHead(by:extraTailroom:)``.
    public var head: UnsafeMutableRawPointer
    /// Bytes from `head` to `end`.
    public var capacity: Int
    /// Offsets from `head`: `head <= data <= tail <= end`.
    public var dataOffset: Int
    public var tailOffset: Int
    /// Header offsets from `head` (`skb->mac_header` …); ``SkBuff/unsetOffset`` when not set.
    /// Kept from `head`, as the kernel keeps them, so push/pull leave them in place.
    public var macHeaderOffset: Int
    public var networkHeaderOffset: Int
    public var transportHeaderOffset: Int
    /// `skb->mac_len`: length of the link-layer header, set by `skb_reset_mac_len()`.
    public var macLength: UInt16
    /// `skb->encapsulation`: the packet carries an outer header pushed by an encapsulation
    /// (`bpf_skb_adjust_room` with `BPF_F_ADJ_ROOM_ENCAP_*`); the inner headers are below.
    public var isEncapsulated: Bool
    /// `skb->inner_mac_header`, `inner_network_header`, `inner_transport_header`: from `head`
    /// like the outer ones; ``SkBuff/unsetOffset`` when not set.
    public var innerMacHeaderOffset: Int
    public var innerNetworkHeaderOffset: Int
    public var innerTransportHeaderOffset: Int
    /// `skb->inner_protocol` in network byte order (an EtherType, `ETH_P_TEB` for inner Ethernet).
    public var innerProtocolBigEndian: UInt16

    /// EtherType in network byte order, as the kernel stores `skb->protocol` (a `__be16`):
    /// IPv4 reads as 0x0008 on this little-endian host.
    public var protocolBigEndian: UInt16
    /// `PACKET_HOST` … (the kernel's 3-bit `pkt_type`).
    public var packetType: UInt8
    public var mark: UInt32
    public var priority: UInt32
    /// `skb->hash`, with `sw_hash` and `l4_hash`: 0 means "not computed".
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
    /// `skb->tstamp` in nanoseconds, in the clock `timestampType` names.
    public var timestamp: UInt64
    /// `skb->tstamp_type`: a ``TimestampType`` raw value (`SKB_CLOCK_*`).
    public var timestampType: UInt8
    /// `skb_hwtstamps(skb)->hwtstamp`, nanoseconds.
    public var hardwareTimestamp: UInt64
    /// `skb_shinfo(skb)->gso_size`, `gso_segs`, `gso_type` (`SKB_GSO_*` bits).
    public var gsoSize: UInt16
    public var gsoSegments: UInt16
    public var gsoType: UInt32
    /// Bytes of metadata in front of `data` (`skb_metadata_len`): `data_meta = data - metaLength`.
    public var metaLength: UInt8
    /// `skb->napi_id` (programs read 0 below `MIN_NAPI_ID`, 257).
    public var napiID: UInt32
    /// `skb->ip_summed`: a ``ChecksumState`` raw value.
    public var checksumState: UInt8
    /// `skb->csum`: for COMPLETE, the packet's ones'-complement sum (`__wsum`).
    public var checksum: UInt32
    /// `skb->csum_start` (from `head`, like the header offsets) and `skb->csum_offset` (from
    /// `csum_start`): where a PARTIAL checksum's sum starts and where the result goes.
    public var checksumStart: UInt16
    public var checksumOffset: UInt16
    /// The 48-byte control block (`skb->cb`), see ``SkBuff/ControlBlockLayout``.
    public var controlBlock: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// `skb->sk`: the socket the packet belongs to, as the `struct bpf_sock` programs read through
    /// it; nil for none (a received or forwarded packet). Owned by whoever set it.
    public var socket: UnsafeMutableRawPointer?

    init(head: UnsafeMutableRawPointer, capacity: Int) {
        self.head = head
        self.capacity = capacity
        dataOffset = 0
        tailOffset = 0
        macHeaderOffset = SkBuff.unsetOffset
        networkHeaderOffset = SkBuff.unsetOffset
        transportHeaderOffset = SkBuff.unsetOffset
        macLength = 0
        isEncapsulated = false
        innerMacHeaderOffset = SkBuff.unsetOffset
        innerNetworkHeaderOffset = SkBuff.unsetOffset
        innerTransportHeaderOffset = SkBuff.unsetOffset
        innerProtocolBigEndian = 0
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
        socket = nil
        checksumStart = 0
        checksumOffset = 0
        controlBlock = (0, 0, 0, 0, 0, 0)
    }
}
