// Reading pcap and pcapng files through libpcap, one packet at a time, without allocating:
//
//   PcapReader(path:)          fopen + 128 KiB buffer, pcap_fopen_offline_with_tstamp_precision(NANO)
//      │
//      ├─ nextPacket()          pcap_next_ex → a view of libpcap's buffer (valid until the next read)
//      ├─ read(into: buffer)    pcap_next_ex → copy into the caller's bytes
//      └─ read(into: skb, …)    pcap_next_ex → reset the SkBuff, put the bytes, set skb->tstamp
//
// States: reading → finished (end of file: every call returns nil)
//                 → failed   (damaged file: every call throws the same error again)
// A packet that does not fit the caller's buffer stays pending (`bufferTooSmall`), so the next
// call with a larger buffer gets it: nothing is skipped silently.

internal import CPcap
internal import Glibc
public import PacketBuffer

/// A pcap or pcapng file open for reading, packet after packet, through libpcap.
///
/// Timestamps come with nanosecond precision (libpcap scales microsecond files). Reading stops
/// at the first damaged record with a ``PacketIOError`` carrying its 0-based index and
/// libpcap's message; every packet before it has been delivered. Closes the file in `deinit`.
///
/// Owned by one thread at a time (not `Sendable`): the stream is read without locking.
public struct PcapReader: ~Copyable {
    /// The file, as given to ``init(path:)``.
    public let path: String
    /// The link-layer header type of the packets. The corresponding C function is `pcap_datalink(3)`.
    public let linkType: LinkType
    /// The file's snapshot length: no packet holds more bytes. The corresponding C function is
    /// `pcap_snapshot(3)`.
    public let snapshotLength: Int
    /// Whether the file was written in the other byte order (libpcap swaps the record headers;
    /// a `DLT_NULL` address family stays in the writer's order). The corresponding C function
    /// is `pcap_is_swapped(3)`.
    public let isByteSwapped: Bool
    /// Packets delivered so far: the index of the next packet.
    public private(set) var packetCount = 0

    let handle: OpaquePointer  // internal: FilterExpression compiles with it
    private let stream: BufferedStream?
    private var state = State.reading
    // The record pcap_next_ex returned and no read has delivered yet (bufferTooSmall).
    private var pending: Record?

    /// A record as `pcap_next_ex` hands it: libpcap's header and data, valid until the next call.
    private typealias Record = (header: UnsafeMutablePointer<pcap_pkthdr>, data: UnsafePointer<UInt8>)

    private enum State {
        case reading
        case finished
        case failed(PacketIOError)
    }

    /// Bytes of stdio buffer in front of libpcap (see Internals/Syscalls.swift).
    package static let defaultStreamBufferByteCount = 1 << 17

    /// Opens `path` (pcap or pcapng, either byte order, micro- or nanosecond timestamps).
    /// Throws ``PacketIOError/Reason/cannotOpen(message:)`` with libpcap's reason for files it
    /// refuses (`"archaic pcap savefile format"`, `"unknown file format"`) or the system's
    /// (`"No such file or directory"`). The corresponding C function is
    /// `pcap_open_offline_with_tstamp_precision(3)` (here through `pcap_fopen_offline_with_tstamp_precision`,
    /// so the stream gets a large buffer).
    public init(path: String) throws(PacketIOError) {
        try self.init(path: path, streamBufferByteCount: Self.defaultStreamBufferByteCount)
    }

    /// ``init(path:)`` with a chosen stdio buffer; 0 lets libpcap open the file itself
    /// (`pcap_open_offline_with_tstamp_precision`, glibc's default buffer). For the benchmark.
    package init(path: String, streamBufferByteCount: Int) throws(PacketIOError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))  // once per open
        var opened: OpaquePointer?
        var stream: BufferedStream? = nil
        if streamBufferByteCount > 0 {
            switch system_fopen(path, mode: "rb", bufferByteCount: streamBufferByteCount) {
            case .success(let s): stream = s
            case .failure(let e): throw PacketIOError(path: path, .cannotOpen(message: errorString(e.rawValue)))
            }
            opened = pcap_fopen_offline_with_tstamp_precision(
                stream!.file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
            if opened == nil { system_fclose(stream!) }
        } else {
            opened = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        }
        guard let handle = opened else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PacketIOError(path: path, .cannotOpen(message: message))
        }
        self.path = path
        self.handle = handle
        self.stream = stream
        linkType = LinkType(rawValue: pcap_datalink(handle))
        snapshotLength = Int(pcap_snapshot(handle))
        isByteSwapped = pcap_is_swapped(handle) != 0
    }

    deinit {
        pcap_close(handle)  // closes the stream too
        if let stream { system_freeStreamBuffer(stream) }
    }

    /// Closes the file now (as `deinit` would). The corresponding C function is `pcap_close(3)`.
    public consuming func close() {}

    // MARK: Reading

    /// The next packet as a view of libpcap's buffer, nil at the end of the file. No copy: the
    /// bytes stay valid only until the next read or `close`; copy them (or use
    /// ``read(into:)-(UnsafeMutableRawBufferPointer)``) to keep them.
    /// The corresponding C function is `pcap_next_ex(3)`.
    /// - Throws: ``PacketIOError/Reason/damagedCapture(message:)`` at a damaged or cut record,
    ///   then again on every later call.
    /// - Complexity: O(1) beyond libpcap's read; allocates nothing.
    @inline(__always)
    public mutating func nextPacket() throws(PacketIOError) -> PcapPacket? {
        guard let (header, data) = try fetch() else { return nil }
        return PcapPacket(
            header: deliver(header),
            bytes: UnsafeRawBufferPointer(start: data, count: Int(header.pointee.caplen)))
    }

    /// Copies the next packet into `buffer` and returns its header, nil at the end of the file.
    /// The packet occupies `buffer[0..<header.capturedLength]`.
    /// The corresponding C function is `pcap_next_ex(3)`.
    /// - Throws: ``PacketIOError/Reason/bufferTooSmall(capturedLength:bufferByteCount:)`` when the
    ///   packet does not fit (it stays pending for the next call), and
    ///   ``PacketIOError/Reason/damagedCapture(message:)`` at a damaged record.
    /// - Complexity: O(captured length); allocates nothing.
    @inline(__always)
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(PacketIOError) -> PcapPacketHeader? {
        guard let (header, data) = try fetch() else { return nil }
        let capturedLength = Int(header.pointee.caplen)
        guard capturedLength <= buffer.count else {
            throw PacketIOError(
                path: path, packetIndex: packetCount,
                .bufferTooSmall(capturedLength: capturedLength, bufferByteCount: buffer.count))
        }
        if capturedLength > 0 { buffer.baseAddress!.copyMemory(from: data, byteCount: capturedLength) }
        return deliver(header)
    }

    /// Loads the next packet into `skb` as the receive path does (`netdev_alloc_skb` +
    /// `skb_reserve(headroom)` + `skb_put_data`): ``SkBuff/reset(headroom:)``, the captured
    /// bytes from `data`, and `skb->tstamp` set to the capture time (realtime clock, ns). Nothing
    /// else is set: the link layer (``LinkLayer``) and the datapath fill the rest. Nil at the
    /// end of the file, leaving `skb` untouched.
    ///
    /// A packet longer than the buffer's tailroom grows it (``SkBuff/ensureTailroom(_:)``; the
    /// one case that allocates, and the buffer keeps its larger allocation afterwards).
    /// The corresponding C function is `pcap_next_ex(3)`.
    /// - Throws: ``PacketIOError/Reason/damagedCapture(message:)`` at a damaged record.
    /// - Complexity: O(captured length); allocates nothing for packets that fit.
    @inline(__always)
    public mutating func read(into skb: SkBuff, headroom: Int) throws(PacketIOError) -> PcapPacketHeader? {
        guard let (header, data) = try fetch() else { return nil }
        let capturedLength = Int(header.pointee.caplen)
        skb.reset(headroom: headroom)
        if capturedLength > skb.tailroom { skb.ensureTailroom(capturedLength) }
        skb.put(capturedLength).copyMemory(from: data, byteCount: capturedLength)
        let delivered = deliver(header)
        skb.timestamp = delivered.timestamp.nanosecondsSinceEpoch
        return delivered
    }

    /// The next packet as a view of libpcap's buffer, without delivering it: the next read (or
    /// ``skip()``) delivers this same packet. Nil at the end of the file. For looking at a
    /// packet before deciding to copy it (a capture filter): a refused one is never copied.
    /// - Throws: ``PacketIOError/Reason/damagedCapture(message:)`` at a damaged record.
    @inline(__always)
    public mutating func peek() throws(PacketIOError) -> PcapPacket? {
        guard let (header, data) = try fetch() else { return nil }
        return PcapPacket(header: Self.header(header, index: packetCount),
                          bytes: UnsafeRawBufferPointer(start: data, count: Int(header.pointee.caplen)))
    }

    /// Delivers the next packet without copying it anywhere; its header, nil at the end.
    @inline(__always)
    @discardableResult
    public mutating func skip() throws(PacketIOError) -> PcapPacketHeader? {
        guard let (header, _) = try fetch() else { return nil }
        return deliver(header)
    }

    // MARK: Internals

    /// The next undelivered record, reading one if none is pending; nil at the end.
    @inline(__always)
    private mutating func fetch() throws(PacketIOError) -> Record? {
        if let pending { return pending }
        guard case .reading = state else { return try ended() }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let status = pcap_next_ex(handle, &header, &data)
        guard status == 1, let header else { return try stop(status) }
        // libpcap hands a NULL data pointer only with caplen 0 on some paths; any readable byte will do.
        let bytes = data ?? UnsafeRawPointer(header).assumingMemoryBound(to: UInt8.self)
        pending = (header, bytes)
        return pending
    }

    /// Marks the pending record delivered and returns its header.
    @inline(__always)
    private mutating func deliver(_ header: UnsafeMutablePointer<pcap_pkthdr>) -> PcapPacketHeader {
        let delivered = Self.header(header, index: packetCount)
        pending = nil
        packetCount += 1
        return delivered
    }

    /// libpcap's record header as the packet `index`'s.
    @inline(__always)
    private static func header(_ header: UnsafeMutablePointer<pcap_pkthdr>, index: Int) -> PcapPacketHeader {
        let h = header.pointee
        return PcapPacketHeader(
            index: index,
            timestamp: PcapTimestamp(
                seconds: Int64(h.ts.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: h.ts.tv_usec)),
            capturedLength: Int(h.caplen), originalLength: Int(h.len), nanosecondFieldAsRead: Int64(h.ts.tv_usec))
    }

    // Cold paths out of line, so the per-packet path stays small.
    @inline(never)
    private mutating func stop(_ status: Int32) throws(PacketIOError) -> Record? {
        if status == PCAP_ERROR_BREAK {  // end of file
            state = .finished
            return nil
        }
        let message = status == PCAP_ERROR ? String(cString: pcap_geterr(handle)) : "pcap_next_ex returned \(status)"
        let error = PacketIOError(path: path, packetIndex: packetCount, .damagedCapture(message: message))
        state = .failed(error)
        throw error
    }

    @inline(never)
    private func ended() throws(PacketIOError) -> Record? {
        if case .failed(let error) = state { throw error }
        return nil
    }
}

/// One packet as libpcap holds it: its header and a view of its captured bytes, valid until the
/// reader that returned it reads again or closes (see ``PcapReader/nextPacket()``).
public struct PcapPacket {
    /// Index, timestamp, captured and original length.
    public var header: PcapPacketHeader
    /// The captured bytes (`header.capturedLength` of them), in libpcap's buffer.
    public var bytes: UnsafeRawBufferPointer
}
