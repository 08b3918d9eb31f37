// Header offsets. The kernel keeps `mac_header`, `network_header` and `transport_header` as
// offsets from `head` so that push/pull (which move `data`) leave them where the headers are;
// `~0` marks "never set". Here: ``SkBuff/unsetOffset`` in the metadata, nil in these accessors.
//
//   head          data (after pull(14))
//    |  headroom   |
//    v             v
//    +-------------+--------------+----------------+---------
//    |             |  eth (14)    |  ip (20)       |  tcp ...        macHeaderOffsetFromData = -14
//    +-------------+--------------+----------------+---------        networkHeaderOffsetFromData = 0
//                  ^ mac_header   ^ network_header ^ transport_header

extension SkBuff {
    @inlinable
    func fromHead(_ offset: Int) -> Int? { offset == Self.unsetOffset ? nil : offset }

    @inlinable
    func fromData(_ offset: Int) -> Int? { offset == Self.unsetOffset ? nil : offset - metadata.pointee.dataOffset }

    // Not range-checked, as in the kernel: helpers set headers from program-supplied lengths
    // (adjust_room's encapsulation), and an offset past `tail` is legal until someone reads there.
    func headerOffset(fromData offset: Int) -> Int { metadata.pointee.dataOffset + offset }

    // MARK: From head (the kernel's representation)

    /// `skb->mac_header`, from `head`; nil when never set (`!skb_mac_header_was_set`).
    @inlinable public var macHeaderOffset: Int? { fromHead(metadata.pointee.macHeaderOffset) }
    /// `skb->network_header`, from `head`; nil when never set.
    @inlinable public var networkHeaderOffset: Int? { fromHead(metadata.pointee.networkHeaderOffset) }
    /// `skb->transport_header`, from `head`; nil when never set (`!skb_transport_header_was_set`).
    @inlinable public var transportHeaderOffset: Int? { fromHead(metadata.pointee.transportHeaderOffset) }

    // MARK: From data (what code walking the packet wants)

    /// `skb_mac_offset()`: the MAC header from `data` (negative once pulled past), nil when unset.
    @inlinable public var macHeaderOffsetFromData: Int? { fromData(metadata.pointee.macHeaderOffset) }
    /// `skb_network_offset()`: the network header from `data`, nil when unset.
    @inlinable public var networkHeaderOffsetFromData: Int? { fromData(metadata.pointee.networkHeaderOffset) }
    /// `skb_transport_offset()`: the transport header from `data`, nil when unset.
    @inlinable public var transportHeaderOffsetFromData: Int? { fromData(metadata.pointee.transportHeaderOffset) }

    /// `skb_mac_header_was_set()`.
    @inlinable public var macHeaderWasSet: Bool { metadata.pointee.macHeaderOffset != Self.unsetOffset }
    /// `skb_transport_header_was_set()`.
    @inlinable public var transportHeaderWasSet: Bool { metadata.pointee.transportHeaderOffset != Self.unsetOffset }

    // MARK: Setting

    /// Mirrors `skb_reset_mac_header()`: the MAC header starts at `data`.
    public func resetMacHeader() { metadata.pointee.macHeaderOffset = metadata.pointee.dataOffset }
    /// Mirrors `skb_reset_network_header()`: the network header starts at `data`.
    public func resetNetworkHeader() { metadata.pointee.networkHeaderOffset = metadata.pointee.dataOffset }
    /// Mirrors `skb_reset_transport_header()`: the transport header starts at `data`.
    public func resetTransportHeader() { metadata.pointee.transportHeaderOffset = metadata.pointee.dataOffset }

    /// Mirrors `skb_set_mac_header()`: the MAC header at `data + offset` (may be negative; not
    /// checked against the buffer, as in the kernel).
    public func setMacHeader(offsetFromData offset: Int) {
        metadata.pointee.macHeaderOffset = headerOffset(fromData: offset)
    }
    /// Mirrors `skb_set_network_header()`: at `data + offset` (not checked, as in the kernel).
    public func setNetworkHeader(offsetFromData offset: Int) {
        metadata.pointee.networkHeaderOffset = headerOffset(fromData: offset)
    }
    /// Mirrors `skb_set_transport_header()`: at `data + offset` (not checked, as in the kernel).
    public func setTransportHeader(offsetFromData offset: Int) {
        metadata.pointee.transportHeaderOffset = headerOffset(fromData: offset)
    }
    /// Marks the MAC header as never set (the kernel's `~0`), as a device without one leaves it.
    public func unsetMacHeader() { metadata.pointee.macHeaderOffset = Self.unsetOffset }

    // MARK: Lengths

    /// Bytes from the MAC header to the network header (`skb_mac_header_len()`), nil if either is unset.
    public var macHeaderLength: Int? {
        let m = metadata.pointee
        guard m.macHeaderOffset != Self.unsetOffset, m.networkHeaderOffset != Self.unsetOffset else { return nil }
        return m.networkHeaderOffset - m.macHeaderOffset
    }
    /// Bytes from the network header to the transport header (`skb_network_header_len()`), nil
    /// if either is unset.
    public var networkHeaderLength: Int? {
        let m = metadata.pointee
        guard m.networkHeaderOffset != Self.unsetOffset, m.transportHeaderOffset != Self.unsetOffset else { return nil }
        return m.transportHeaderOffset - m.networkHeaderOffset
    }
    /// `skb->mac_len`: the link-layer header length as last recorded by ``resetMacLength()``
    /// (or set by a decapsulation).
    public var macLength: Int {
        get { Int(metadata.pointee.macLength) }
        set { metadata.pointee.macLength = UInt16(truncatingIfNeeded: newValue) }
    }
    /// Mirrors `skb_reset_mac_len()`: `mac_len = network_header - mac_header`, 0 when the MAC
    /// header is unset (as 6.18 does).
    public func resetMacLength() { macLength = max(0, macHeaderLength ?? 0) }
}

// MARK: - Inner headers (after an encapsulation)

extension SkBuff {
    /// `skb->encapsulation`: an outer header was pushed over the packet's own headers.
    @inlinable public var isEncapsulated: Bool {
        get { metadata.pointee.isEncapsulated }
        set { metadata.pointee.isEncapsulated = newValue }
    }
    /// `skb->inner_protocol` as the kernel stores it (network byte order).
    @inlinable public var innerProtocolBigEndian: UInt16 {
        get { metadata.pointee.innerProtocolBigEndian }
        set { metadata.pointee.innerProtocolBigEndian = newValue }
    }

    /// `skb->inner_mac_header` from `head`, nil when unset.
    @inlinable public var innerMacHeaderOffset: Int? { fromHead(metadata.pointee.innerMacHeaderOffset) }
    /// `skb->inner_network_header` from `head`, nil when unset.
    @inlinable public var innerNetworkHeaderOffset: Int? { fromHead(metadata.pointee.innerNetworkHeaderOffset) }
    /// `skb->inner_transport_header` from `head`, nil when unset.
    @inlinable public var innerTransportHeaderOffset: Int? { fromHead(metadata.pointee.innerTransportHeaderOffset) }

    /// `skb_inner_mac_offset()`-style: the inner MAC header from `data`, nil when unset.
    @inlinable public var innerMacHeaderOffsetFromData: Int? { fromData(metadata.pointee.innerMacHeaderOffset) }
    /// `skb_inner_network_offset()`: the inner network header from `data`, nil when unset.
    @inlinable public var innerNetworkHeaderOffsetFromData: Int? { fromData(metadata.pointee.innerNetworkHeaderOffset) }
    /// `skb_inner_transport_offset()`: the inner transport header from `data`, nil when unset.
    @inlinable public var innerTransportHeaderOffsetFromData: Int? {
        fromData(metadata.pointee.innerTransportHeaderOffset)
    }

    /// Mirrors `skb_set_inner_mac_header()`: at `data + offset` (not checked, as in the kernel).
    public func setInnerMacHeader(offsetFromData offset: Int) {
        metadata.pointee.innerMacHeaderOffset = headerOffset(fromData: offset)
    }
    /// Mirrors `skb_set_inner_network_header()`.
    public func setInnerNetworkHeader(offsetFromData offset: Int) {
        metadata.pointee.innerNetworkHeaderOffset = headerOffset(fromData: offset)
    }
    /// Mirrors `skb_set_inner_transport_header()`.
    public func setInnerTransportHeader(offsetFromData offset: Int) {
        metadata.pointee.innerTransportHeaderOffset = headerOffset(fromData: offset)
    }
    /// Mirrors `skb_reset_inner_headers()`: the inner headers become the current outer ones
    /// (done before pushing an outer header).
    public func resetInnerHeaders() {
        let m = metadata
        m.pointee.innerMacHeaderOffset = m.pointee.macHeaderOffset
        m.pointee.innerNetworkHeaderOffset = m.pointee.networkHeaderOffset
        m.pointee.innerTransportHeaderOffset = m.pointee.transportHeaderOffset
    }
}
