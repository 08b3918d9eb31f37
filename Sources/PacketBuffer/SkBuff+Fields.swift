// Named accessors over ``SkBuffMetadata``: what the datapath and helpers read and write. Each is
// one load or store through `metadata` (inlinable, so other modules compile it to just that).
// Values are stored as the kernel stores them (protocol and vlan_proto in network byte order);
// the host-order spellings are conveniences.

extension SkBuff {
    /// `skb->mark`.
    @inlinable public var mark: UInt32 {
        get { metadata.pointee.mark }
        set { metadata.pointee.mark = newValue }
    }
    /// `skb->priority`.
    @inlinable public var priority: UInt32 {
        get { metadata.pointee.priority }
        set { metadata.pointee.priority = newValue }
    }

    // MARK: Protocol and packet type

    /// `skb->protocol` exactly as the kernel stores it: the EtherType in network byte order
    /// (a `__be16`), so IPv4 (0x0800) reads 0x0008 on this little-endian host — which is also what
    /// a program reads from `__sk_buff.protocol`.
    @inlinable public var protocolBigEndian: UInt16 {
        get { metadata.pointee.protocolBigEndian }
        set { metadata.pointee.protocolBigEndian = newValue }
    }
    /// `skb->protocol` in host order: 0x0800 for IPv4 (`ntohs(skb->protocol)`).
    @inlinable public var etherType: UInt16 {
        get { UInt16(bigEndian: metadata.pointee.protocolBigEndian) }
        set { metadata.pointee.protocolBigEndian = newValue.bigEndian }
    }
    /// `skb->pkt_type` (3 bits).
    @inlinable public var packetType: PacketType {
        // Every 3-bit value has a case, so the fallback is unreachable.
        get { PacketType(rawValue: metadata.pointee.packetType & 7) ?? .host }
        set { metadata.pointee.packetType = newValue.rawValue }
    }

    // MARK: Hash and queue

    /// `skb->hash`; 0 means none was computed.
    @inlinable public var hash: UInt32 {
        get { metadata.pointee.hash }
        set { metadata.pointee.hash = newValue }
    }
    /// `skb->sw_hash`: the hash was computed by software (flow dissector), not the device.
    @inlinable public var isSoftwareHash: Bool {
        get { metadata.pointee.isSoftwareHash }
        set { metadata.pointee.isSoftwareHash = newValue }
    }
    /// `skb->l4_hash`: the hash covers the 4-tuple (ports included).
    @inlinable public var isL4Hash: Bool {
        get { metadata.pointee.isL4Hash }
        set { metadata.pointee.isL4Hash = newValue }
    }
    /// `skb->queue_mapping`.
    @inlinable public var queueMapping: UInt16 {
        get { metadata.pointee.queueMapping }
        set { metadata.pointee.queueMapping = newValue }
    }

    // MARK: Traffic control

    /// `skb->tc_index`.
    @inlinable public var tcIndex: UInt16 {
        get { metadata.pointee.tcIndex }
        set { metadata.pointee.tcIndex = newValue }
    }

    // MARK: Devices

    /// `skb->skb_iif`: the device the packet arrived on.
    @inlinable public var ingressIfindex: UInt32 {
        get { metadata.pointee.ingressIfindex }
        set { metadata.pointee.ingressIfindex = newValue }
    }
    /// `skb->dev->ifindex`: the device the packet is on now (0 for none).
    @inlinable public var ifindex: UInt32 {
        get { metadata.pointee.ifindex }
        set { metadata.pointee.ifindex = newValue }
    }
    /// `skb->napi_id` as stored (programs read 0 below `MIN_NAPI_ID`, 257).
    @inlinable public var napiID: UInt32 {
        get { metadata.pointee.napiID }
        set { metadata.pointee.napiID = newValue }
    }

    // MARK: VLAN (a tag held outside the packet bytes)

    /// `skb->vlan_proto` as the kernel stores it (network byte order; 0 when no tag).
    @inlinable public var vlanProtoBigEndian: UInt16 {
        get { metadata.pointee.vlanProtoBigEndian }
        set { metadata.pointee.vlanProtoBigEndian = newValue }
    }
    /// `skb->vlan_proto` in host order (0x8100 for 802.1Q, 0x88a8 for 802.1ad).
    @inlinable public var vlanProto: UInt16 {
        get { UInt16(bigEndian: metadata.pointee.vlanProtoBigEndian) }
        set { metadata.pointee.vlanProtoBigEndian = newValue.bigEndian }
    }
    /// `skb->vlan_tci`: priority, DEI and VLAN id.
    @inlinable public var vlanTCI: UInt16 {
        get { metadata.pointee.vlanTCI }
        set { metadata.pointee.vlanTCI = newValue }
    }
    /// `skb_vlan_tag_present()`: `vlan_all != 0`, i.e. proto or TCI non-zero.
    @inlinable public var vlanPresent: Bool {
        metadata.pointee.vlanProtoBigEndian != 0 || metadata.pointee.vlanTCI != 0
    }
    /// The out-of-band tag in host order, nil when none (`__vlan_hwaccel_put_tag` /
    /// `__vlan_hwaccel_clear_tag` when set).
    public var vlanTag: (protocol: UInt16, tci: UInt16)? {
        get { vlanPresent ? (vlanProto, vlanTCI) : nil }
        set {
            vlanProto = newValue?.protocol ?? 0
            vlanTCI = newValue?.tci ?? 0
        }
    }

    // MARK: Time

    /// `skb->tstamp`, nanoseconds in the clock ``timestampType`` names.
    @inlinable public var timestamp: UInt64 {
        get { metadata.pointee.timestamp }
        set { metadata.pointee.timestamp = newValue }
    }
    /// `skb->tstamp_type`; an out-of-range stored value (3) reads as `.realtime`.
    @inlinable public var timestampType: TimestampType {
        get { TimestampType(rawValue: metadata.pointee.timestampType) ?? .realtime }
        set { metadata.pointee.timestampType = newValue.rawValue }
    }
    /// `skb_hwtstamps(skb)->hwtstamp`, nanoseconds.
    @inlinable public var hardwareTimestamp: UInt64 {
        get { metadata.pointee.hardwareTimestamp }
        set { metadata.pointee.hardwareTimestamp = newValue }
    }

    // MARK: Segmentation offload (skb_shinfo)

    /// `skb_shinfo(skb)->gso_size`: payload bytes per segment; non-zero makes this a GSO packet.
    @inlinable public var gsoSize: UInt16 {
        get { metadata.pointee.gsoSize }
        set { metadata.pointee.gsoSize = newValue }
    }
    /// `skb_shinfo(skb)->gso_segs`.
    @inlinable public var gsoSegments: UInt16 {
        get { metadata.pointee.gsoSegments }
        set { metadata.pointee.gsoSegments = newValue }
    }
    /// `skb_shinfo(skb)->gso_type`: `SKB_GSO_*` bits.
    @inlinable public var gsoType: UInt32 {
        get { metadata.pointee.gsoType }
        set { metadata.pointee.gsoType = newValue }
    }

    // MARK: Metadata in front of the packet

    /// `skb_metadata_len()`: bytes of metadata right in front of `data` (a program's
    /// `data_meta = data - metaLength`). Setting it mirrors `skb_metadata_set()`.
    /// - Precondition (set): `newValue <= headroom`.
    @inlinable public var metaLength: Int {
        get { Int(metadata.pointee.metaLength) }
        set {
            precondition(newValue >= 0 && newValue <= min(headroom, Int(UInt8.max)), "metadata must fit the headroom")
            metadata.pointee.metaLength = UInt8(newValue)
        }
    }

    // MARK: Checksum offload

    /// `skb->ip_summed`.
    @inlinable public var checksumState: ChecksumState {
        // Every 2-bit value has a case; a larger stored value is not one the kernel makes.
        get { ChecksumState(rawValue: metadata.pointee.checksumState & 3) ?? .none }
        set { metadata.pointee.checksumState = newValue.rawValue }
    }
    /// `skb->csum`: with `.complete`, the ones'-complement sum of the packet from `data`.
    @inlinable public var checksum: UInt32 {
        get { metadata.pointee.checksum }
        set { metadata.pointee.checksum = newValue }
    }
    /// `skb->csum_start`: with `.partial`, where the checksummed range starts, from `head`
    /// (see ``checksumStartOffset`` for the offset from `data`).
    @inlinable public var checksumStart: UInt16 {
        get { metadata.pointee.checksumStart }
        set { metadata.pointee.checksumStart = newValue }
    }
    /// `skb->csum_offset`: with `.partial`, where the result goes, from `csum_start`.
    @inlinable public var checksumOffset: UInt16 {
        get { metadata.pointee.checksumOffset }
        set { metadata.pointee.checksumOffset = newValue }
    }
    /// `skb_checksum_start_offset()`: `csum_start` from `data` (negative once pulled past).
    @inlinable public var checksumStartOffset: Int { Int(metadata.pointee.checksumStart) - headroom }
}
