// Named accessors over ``SkBuffMetadata``: what the datapath reads and writes.

extension SkBuff {
    @inlinable public var mark: UInt32 {
        get { metadata.pointee.mark }
        set { metadata.pointee.mark = newValue }
    }
    @inlinable public var priority: UInt32 {
        get { metadata.pointee.priority }
        set { metadata.pointee.priority = newValue }
    }
    /// `skb->protocol` as the kernel stores it (network byte order).
    @inlinable public var protocolBigEndian: UInt16 {
        get { metadata.pointee.protocolBigEndian }
        set { metadata.pointee.protocolBigEndian = newValue }
    }
    /// The EtherType in host order (0x0800 for IPv4).
    @inlinable public var etherType: UInt16 {
        get { UInt16(bigEndian: metadata.pointee.protocolBigEndian) }
        set { metadata.pointee.protocolBigEndian = newValue.bigEndian }
    }
    public var packetType: PacketType {
        get { PacketType(rawValue: metadata.pointee.packetType & 7) ?? .host }
        set { metadata.pointee.packetType = newValue.rawValue }
    }
    @inlinable public var hash: UInt32 {
        get { metadata.pointee.hash }
        set { metadata.pointee.hash = newValue }
    }
    @inlinable public var queueMapping: UInt16 {
        get { metadata.pointee.queueMapping }
        set { metadata.pointee.queueMapping = newValue }
    }
    @inlinable public var tcIndex: UInt16 {
        get { metadata.pointee.tcIndex }
        set { metadata.pointee.tcIndex = newValue }
    }
    @inlinable public var ingressIfindex: UInt32 {
        get { metadata.pointee.ingressIfindex }
        set { metadata.pointee.ingressIfindex = newValue }
    }
    @inlinable public var ifindex: UInt32 {
        get { metadata.pointee.ifindex }
        set { metadata.pointee.ifindex = newValue }
    }
    /// The out-of-band VLAN tag, nil when none (`skb_vlan_tag_present`).
    public var vlanTag: (protocol: UInt16, tci: UInt16)? {
        get {
            let m = metadata.pointee
            return m.vlanProtoBigEndian == 0 && m.vlanTCI == 0 ? nil : (UInt16(bigEndian: m.vlanProtoBigEndian), m.vlanTCI)
        }
        set {
            metadata.pointee.vlanProtoBigEndian = newValue?.protocol.bigEndian ?? 0
            metadata.pointee.vlanTCI = newValue?.tci ?? 0
        }
    }
    public var checksumState: ChecksumState {
        get { ChecksumState(rawValue: metadata.pointee.checksumState) ?? .none }
        set { metadata.pointee.checksumState = newValue.rawValue }
    }

    // MARK: The control block

    /// Byte offsets inside the 48-byte control block (`struct qdisc_skb_cb`).
    public enum ControlBlockLayout {
        public static let wireLength = 0      // u32 pkt_len
        public static let tcClassID = 6       // u16 tc_classid
        public static let programData = 8     // u8 data[20]: __sk_buff.cb[0..4]
        public static let programDataByteCount = 20
        public static let byteCount = 48
    }

    /// The control block's bytes (stable while the buffer lives).
    @inlinable public var controlBlock: UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(metadata) + MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.controlBlock)!
    }

    /// `qdisc_skb_cb(skb)->pkt_len`: the length on the wire (`__sk_buff.wire_len`).
    public var wireLength: UInt32 {
        get { controlBlock.loadUnaligned(fromByteOffset: ControlBlockLayout.wireLength, as: UInt32.self) }
        set { controlBlock.storeBytes(of: newValue, toByteOffset: ControlBlockLayout.wireLength, as: UInt32.self) }
    }

    /// `qdisc_skb_cb(skb)->tc_classid` (`__sk_buff.tc_classid`).
    public var tcClassID: UInt16 {
        get { controlBlock.loadUnaligned(fromByteOffset: ControlBlockLayout.tcClassID, as: UInt16.self) }
        set { controlBlock.storeBytes(of: newValue, toByteOffset: ControlBlockLayout.tcClassID, as: UInt16.self) }
    }

    /// Word `index` (0…4) of the program's `__sk_buff.cb[]`.
    public func programControlBlockWord(_ index: Int) -> UInt32 {
        precondition((0..<5).contains(index), "cb has 5 words")
        return controlBlock.loadUnaligned(fromByteOffset: ControlBlockLayout.programData + 4 * index, as: UInt32.self)
    }

    public func setProgramControlBlockWord(_ index: Int, _ value: UInt32) {
        precondition((0..<5).contains(index), "cb has 5 words")
        controlBlock.storeBytes(of: value, toByteOffset: ControlBlockLayout.programData + 4 * index, as: UInt32.self)
    }

    // MARK: Header offsets

    /// Offset of the MAC header from `data`, or nil when unset. (The kernel keeps it from `head`.)
    public var macHeaderOffsetFromData: Int? { fromData(metadata.pointee.macHeaderOffset) }
    public var networkHeaderOffsetFromData: Int? { fromData(metadata.pointee.networkHeaderOffset) }
    public var transportHeaderOffsetFromData: Int? { fromData(metadata.pointee.transportHeaderOffset) }

    private func fromData(_ offset: Int) -> Int? {
        offset == Self.unsetOffset ? nil : offset - metadata.pointee.dataOffset
    }

    /// Mirrors `skb_reset_mac_header()`: the MAC header starts at `data`.
    public func resetMacHeader() { metadata.pointee.macHeaderOffset = metadata.pointee.dataOffset }
    /// Mirrors `skb_reset_network_header()`.
    public func resetNetworkHeader() { metadata.pointee.networkHeaderOffset = metadata.pointee.dataOffset }
    /// Mirrors `skb_reset_transport_header()`.
    public func resetTransportHeader() { metadata.pointee.transportHeaderOffset = metadata.pointee.dataOffset }
    /// Mirrors `skb_set_network_header()`: at `data + offset`.
    public func setNetworkHeader(offsetFromData offset: Int) {
        metadata.pointee.networkHeaderOffset = metadata.pointee.dataOffset + offset
    }
    /// Mirrors `skb_set_transport_header()`.
    public func setTransportHeader(offsetFromData offset: Int) {
        metadata.pointee.transportHeaderOffset = metadata.pointee.dataOffset + offset
    }
    /// Mirrors `skb_set_mac_header()`.
    public func setMacHeader(offsetFromData offset: Int) {
        metadata.pointee.macHeaderOffset = metadata.pointee.dataOffset + offset
    }
    /// Bytes from the MAC header to the network header (`skb_mac_header_len`), nil if either is unset.
    public var macHeaderLength: Int? {
        let m = metadata.pointee
        guard m.macHeaderOffset != Self.unsetOffset, m.networkHeaderOffset != Self.unsetOffset else { return nil }
        return m.networkHeaderOffset - m.macHeaderOffset
    }
}
