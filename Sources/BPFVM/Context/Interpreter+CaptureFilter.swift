public import PacketBuffer

// A filter run on a captured packet, as libpcap's `pcap_offline_filter(3)` runs one on a record
// of a capture file: the bytes are the ones captured (a snapshot length may have cut the packet
// short), while the packet's length — classic `ld #len`, `__sk_buff.len` — is the length it had
// on the wire. Loads past the captured bytes fail, so a filter reading them rejects the packet,
// as libpcap's does; `less`/`greater` still see the real length.

extension Interpreter {
    /// Runs the program on `skb` (``run(context:)``) with `len` reading `wireLength`, the
    /// packet's original length, when it is longer than the captured bytes `skb` holds. Packet
    /// loads, the packet region and every other field are `skb`'s own; `skb` is not changed.
    public func run(context skb: SkBuff, wireLength: Int) throws(Trap) -> RunResult {
        guard wireLength > skb.length else { return try run(context: skb) }
        wireLengthMetadata.update(from: skb.metadata, count: 1)
        wireLengthMetadata.pointee.tailOffset = wireLengthMetadata.pointee.dataOffset + wireLength
        let data = skb.data
        let metaLength = Int(skb.metadata.pointee.metaLength)
        regions[0] = MemoryRegion(start: data - metaLength, byteCount: metaLength + skb.length,
                                  isWritable: packetIsWritable, name: "packet")
        let packet = UnsafeRawBufferPointer(start: data, count: skb.length)
        return try withExtendedLifetime(skb) { () throws(Trap) -> RunResult in
            try run(arguments: (UInt64(UInt(bitPattern: contextBlock)), 0), regions: 1 + mapRegionCount, packet: packet,
                    context: wireLengthMetadata, controlBlock: skb.controlBlock, skb: skb)
        }
    }
}
