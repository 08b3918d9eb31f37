// Writing pcap files through libpcap, nanosecond format (or microsecond, as tcpdump -w writes),
// one packet at a time:
//
//   PcapWriter(path:linkType:snapshotLength:precision:)
//      pcap_open_dead_with_tstamp_precision(DLT, snaplen, NANO)   a handle that only describes the file
//      fopen + 128 KiB buffer, pcap_dump_fopen                     writes the 24-byte file header
//   write(…)   pcap_dump: 16-byte record header + captured bytes, into the stream buffer
//   flush()    pcap_dump_flush
//   close()    flush, then pcap_dump_close + pcap_close (also what deinit does, without the checks)
//
// Files written here have magic 0xa1b23c4d (nanosecond pcap; 0xa1b2c3d4 for microseconds),
// version 2.4, in this host's byte order; `tcpdump -r` and Wireshark read them.

internal import CPcap
internal import Glibc
public import PacketBuffer

/// A pcap file being written: link type and snapshot length fixed at creation, each packet with
/// its own timestamp and original length. Closes the file in `deinit`; ``close()`` does the same
/// but reports write errors.
///
/// Owned by one thread at a time (not `Sendable`): the stream is written without locking.
public struct PcapWriter: ~Copyable {
    /// The file, as given to ``init(path:linkType:snapshotLength:)``.
    public let path: String
    /// The link-layer header type written in the file header.
    public let linkType: LinkType
    /// The snapshot length written in the file header: longer packets are cut to it.
    public let snapshotLength: Int
    /// The timestamp resolution of the file.
    public let precision: PcapTimestampPrecision
    /// Packets written so far: the index of the next one.
    public private(set) var packetCount = 0

    private let handle: OpaquePointer  // pcap_open_dead
    private let dumper: OpaquePointer  // pcap_dumper_t, owns the stream
    private let file: UnsafeMutablePointer<FILE>
    private let stream: BufferedStream?

    /// libpcap's `MAXIMUM_SNAPLEN`: readers refuse records longer than this for most link types.
    public static let maximumSnapshotLength = 262_144

    /// Creates (or truncates) `path` and writes the file header. The corresponding C functions
    /// are `pcap_open_dead_with_tstamp_precision(3)` and `pcap_dump_open(3)` (here
    /// `pcap_dump_fopen`, so the stream gets a large buffer).
    /// - Throws: ``PacketIOError/Reason/invalidSnapshotLength(_:)`` outside 1...262144;
    ///   ``PacketIOError/Reason/cannotOpen(message:)`` with the system's or libpcap's reason
    ///   (`"link-layer type -1 isn't supported in savefiles"`).
    ///
    /// `precision` `.microsecond` writes what `tcpdump -w` writes (timestamps cut to microseconds).
    public init(path: String, linkType: LinkType, snapshotLength: Int = maximumSnapshotLength,
                precision: PcapTimestampPrecision = .nanosecond) throws(PacketIOError) {
        try self.init(
            path: path, linkType: linkType, snapshotLength: snapshotLength,
            streamBufferByteCount: PcapReader.defaultStreamBufferByteCount, precision: precision)
    }

    /// A file headed as `tcpdump -r IN -w OUT` heads it: `reader`'s link type as its file holds it
    /// (with any bits above the type, such as an FCS length), its snapshot length whatever that
    /// is (a header may say more than libpcap's maximum), in `precision` (`.microsecond`: what
    /// `tcpdump -w` writes). libpcap writes the header from a handle on the input itself, as
    /// tcpdump's dump does (the corresponding C functions are `pcap_open_offline_with_tstamp_precision(3)`
    /// and `pcap_dump_open(3)`).
    public init(path: String, headerOf reader: borrowing PcapReader, precision: PcapTimestampPrecision)
        throws(PacketIOError)
    {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let describing = pcap_open_offline_with_tstamp_precision(reader.path, Self.libpcapPrecision(precision), &errorBuffer)
        else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PacketIOError(path: reader.path, .cannotOpen(message: message))
        }
        try self.init(path: path, linkType: reader.linkType, snapshotLength: Int(pcap_snapshot(describing)),
                      streamBufferByteCount: PcapReader.defaultStreamBufferByteCount, precision: precision,
                      describingHandle: describing)
    }

    /// ``init(path:linkType:snapshotLength:)`` with a chosen stdio buffer; 0 lets libpcap open
    /// the file (`pcap_dump_open`, glibc's default buffer). For the benchmark. A
    /// `describingHandle` (taken over) writes the header instead of a dead handle.
    package init(path: String, linkType: LinkType, snapshotLength: Int, streamBufferByteCount: Int,
                 precision: PcapTimestampPrecision = .nanosecond, describingHandle: OpaquePointer? = nil)
        throws(PacketIOError)
    {
        guard describingHandle != nil || (snapshotLength >= 1 && snapshotLength <= Self.maximumSnapshotLength) else {
            throw PacketIOError(path: path, .invalidSnapshotLength(snapshotLength))
        }
        guard
            let handle = describingHandle ?? pcap_open_dead_with_tstamp_precision(
                linkType.rawValue, Int32(snapshotLength), Self.libpcapPrecision(precision))
        else { throw PacketIOError(path: path, .systemCall(function: "pcap_open_dead", errno: system_errno())) }
        var stream: BufferedStream? = nil
        let dumper: OpaquePointer?
        if streamBufferByteCount > 0 {
            switch system_fopen(path, mode: "wb", bufferByteCount: streamBufferByteCount) {
            case .success(let s): stream = s
            case .failure(let e):
                pcap_close(handle)
                throw PacketIOError(path: path, .cannotOpen(message: errorString(e.rawValue)))
            }
            dumper = pcap_dump_fopen(handle, stream!.file)
            if dumper == nil { system_fclose(stream!) }
        } else {
            dumper = pcap_dump_open(handle, path)
        }
        guard let dumper, let file = pcap_dump_file(dumper) else {
            let message = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw PacketIOError(path: path, .cannotOpen(message: message))
        }
        self.path = path
        self.linkType = linkType
        self.snapshotLength = snapshotLength
        self.precision = precision
        self.handle = handle
        self.dumper = dumper
        self.file = file
        self.stream = stream
    }

    deinit {
        pcap_dump_close(dumper)  // flushes and closes the stream
        pcap_close(handle)
        if let stream { system_freeStreamBuffer(stream) }
    }

    // MARK: Writing

    /// Appends one packet: `bytes` (cut to ``snapshotLength``), captured at `timestamp`,
    /// `originalLength` bytes long on the wire (default: `bytes.count`).
    ///
    /// Seconds are stored in 32 bits, as the pcap format has them (times past 2106 or before 1970
    /// wrap); nanoseconds as given. The corresponding C function is `pcap_dump(3)`.
    /// - Throws: ``PacketIOError/Reason/capturedLongerThanOriginal(capturedLength:originalLength:)``,
    ///   ``PacketIOError/Reason/writeFailed(errno:)`` when the stream reports an error (disk full).
    /// - Complexity: O(bytes.count); allocates nothing.
    @inline(__always)
    public mutating func write(
        _ bytes: UnsafeRawBufferPointer, timestamp: PcapTimestamp, originalLength: Int? = nil
    ) throws(PacketIOError) {
        let wireLength = originalLength ?? bytes.count
        guard wireLength >= bytes.count else { throw lengthError(bytes.count, wireLength) }
        var header = pcap_pkthdr(
            ts: timeval(tv_sec: Int(truncatingIfNeeded: timestamp.seconds),
                        tv_usec: Int(precision == .nanosecond ? timestamp.nanoseconds : timestamp.nanoseconds / 1000)),
            caplen: UInt32(truncatingIfNeeded: min(bytes.count, snapshotLength)),
            len: UInt32(clamping: wireLength))
        pcap_dump(
            UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &header,
            bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        // The error flag is sticky and errno is fresh only right after the failing write.
        if system_ferror(file) { throw writeError(system_errno()) }
        packetCount += 1
    }

    /// Appends the packet `skb` holds (`data` to `tail`). `originalLength` defaults to the
    /// packet's length. See ``write(_:timestamp:originalLength:)-(UnsafeRawBufferPointer,_,_)``.
    @inline(__always)
    public mutating func write(_ skb: SkBuff, timestamp: PcapTimestamp, originalLength: Int? = nil)
        throws(PacketIOError)
    {
        try write(UnsafeRawBufferPointer(skb.bytes), timestamp: timestamp, originalLength: originalLength)
    }

    /// Appends `packet` as read, record for record: its time (the sub-second field as read, so a
    /// damaged one is copied as `tcpdump -w` copies it), captured bytes and original length.
    @inline(__always)
    public mutating func write(asRead packet: PcapPacket) throws(PacketIOError) {
        try write(packet.bytes, asRecord: packet.header)
    }

    /// Appends `bytes` as the record `header` describes (see ``write(asRead:)``).
    @inline(__always)
    public mutating func write(_ bytes: UnsafeRawBufferPointer, asRecord header: PcapPacketHeader) throws(PacketIOError) {
        let wireLength = max(header.originalLength, bytes.count)
        let fraction = precision == .nanosecond ? header.nanosecondFieldAsRead : header.nanosecondFieldAsRead / 1000
        var record = pcap_pkthdr(
            ts: timeval(tv_sec: Int(truncatingIfNeeded: header.timestamp.seconds), tv_usec: Int(truncatingIfNeeded: fraction)),
            caplen: UInt32(truncatingIfNeeded: min(bytes.count, snapshotLength)), len: UInt32(clamping: wireLength))
        pcap_dump(
            UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &record,
            bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        if system_ferror(file) { throw writeError(system_errno()) }
        packetCount += 1
    }

    /// Appends a packet as read, keeping its timestamp and original length (a capture copied
    /// record for record). See ``write(_:timestamp:originalLength:)-(UnsafeRawBufferPointer,_,_)``.
    @inline(__always)
    public mutating func write(_ packet: PcapPacket) throws(PacketIOError) {
        try write(
            packet.bytes, timestamp: packet.header.timestamp,
            originalLength: max(packet.header.originalLength, packet.bytes.count))
    }

    /// Pushes buffered packets to the file. The corresponding C function is `pcap_dump_flush(3)`.
    public mutating func flush() throws(PacketIOError) {
        if pcap_dump_flush(dumper) != 0 || system_ferror(file) {
            throw PacketIOError(path: path, .writeFailed(errno: system_errno()))
        }
    }

    /// Flushes and closes the file, reporting a failed write. The corresponding C function is
    /// `pcap_dump_close(3)`.
    public consuming func close() throws(PacketIOError) {
        try flush()
        // deinit closes the stream and the handle.
    }

    static func libpcapPrecision(_ precision: PcapTimestampPrecision) -> UInt32 {
        UInt32(precision == .nanosecond ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO)
    }

    @inline(never)
    private func lengthError(_ captured: Int, _ original: Int) -> PacketIOError {
        PacketIOError(
            path: path, packetIndex: packetCount,
            .capturedLongerThanOriginal(capturedLength: captured, originalLength: original))
    }

    @inline(never)
    private func writeError(_ code: Int32) -> PacketIOError {
        PacketIOError(path: path, packetIndex: packetCount, .writeFailed(errno: code))
    }
}

/// The timestamp resolution of a pcap file (its magic number says which).
public enum PcapTimestampPrecision: Sendable, Hashable {
    /// Magic 0xa1b2c3d4: what `tcpdump -w` writes.
    case microsecond
    /// Magic 0xa1b23c4d.
    case nanosecond
}
