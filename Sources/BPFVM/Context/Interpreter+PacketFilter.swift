// A socket filter run on a packet in memory, as libpcap's `pcap_offline_filter(3)` runs a filter
// on a record it holds: no socket buffer to fill first. The packet is viewed in place (a buffer
// whose storage points at it for the run), `data` at its first byte, which is also the link-layer
// header; `len` is the length on the wire. Every other field is that of a packet no device has
// touched: 0 (no protocol, no device, no network header).

extension Interpreter {
    /// Runs a socket filter on `packet` (captured bytes) whose length on the wire is
    /// `wireLength` (at least the captured length; default: the captured length). Packet loads
    /// read `packet`; `__sk_buff.len` (classic `ld #len`) is `wireLength`. The packet is only read.
    /// - Precondition: the program is a socket filter (it cannot write the packet).
    public func run(packet: UnsafeRawBufferPointer, wireLength: Int? = nil) throws(Trap) -> RunResult {
        precondition(isSocketFilter, "only socket filters run on a read-only packet")
        let base = packet.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) } ?? packetViewStorage
        guard isPlainNativeFilter else { return try runViewingPacket(base, packet.count, wireLength: wireLength) }
        // The path of verified machine code that reads no context field and calls no helper: the
        // packet is all it needs (measured: a third of the per-packet cost of the general path).
        // A verified program reads no register it did not write, so only r1, r10 and the count
        // are set; a slow packet load reads the header offsets through the context pointer.
        let s = state
        s.pointee.packetStart = UInt64(UInt(bitPattern: base))
        s.pointee.packetLength = UInt64(packet.count)
        s.pointee.context = packetViewContext
        s.pointee.depth = 0
        let r = registers
        r[1] = UInt64(UInt(bitPattern: contextBlock))
        r[10] = stackTop
        r[15] = 0
        let code = UInt8(truncatingIfNeeded: nativeEntry.unsafelyUnwrapped(r, UnsafeMutableRawPointer(s)))
        guard code == RunStatus.returned.rawValue else { throw nativeTrap(code) }
        return RunResult(returnValue: r[0], instructionsExecuted: Int(truncatingIfNeeded: r[15]))
    }

    /// The general path: the packet viewed by the buffer helpers see and by the context.
    @inline(never)
    func runViewingPacket(_ base: UnsafeMutableRawPointer, _ count: Int, wireLength: Int?) throws(Trap) -> RunResult {
        // The view points at the packet until the next run (deinit gives it its storage back);
        // the context's copy differs only in its length, the packet's on the wire.
        let view = packetView.metadata
        view.pointee.head = base
        view.pointee.capacity = count
        view.pointee.tailOffset = count
        let context = packetViewContext
        context.pointee.head = base
        context.pointee.capacity = count
        context.pointee.tailOffset = max(wireLength ?? count, count)
        regions[0] = MemoryRegion(start: base, byteCount: count, isWritable: false, name: "packet")
        return try run(arguments: (UInt64(UInt(bitPattern: contextBlock)), 0), regions: 1 + mapRegionCount,
                       packet: UnsafeRawBufferPointer(start: base, count: count), context: context,
                       controlBlock: packetView.controlBlock, skb: packetView)
    }

    /// The trap of a native run that stopped with status `code`.
    @inline(never)
    func nativeTrap(_ code: UInt8) -> Trap {
        state.pointee.executed = Int(truncatingIfNeeded: registers[15])
        return trap(RunStatus(rawValue: code) ?? .helperFault, state.pointee)
    }
}
