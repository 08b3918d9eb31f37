import BPFABI
import Synchronization

/// `BPF_MAP_TYPE_RINGBUF`: a multi-producer ring of `max_entries` bytes that programs reserve
/// records in and user space consumes in order, as kernel/bpf/ringbuf.c and libbpf's
/// `ring_buffer__consume()` do.
///
/// ```
///   positions only grow; the byte of position p is data[p & mask]
///   consumer ........ pending ........................ producer
///      |  submitted or  |  oldest still-reserved record  |
///      |  discarded     |  and everything after it       |
///   record: | len (u32: size | BUSY while reserved | DISCARD) | pg_off (u32) | size bytes | pad to 8 |
/// ```
/// The kernel maps the data pages twice in a row so that a record wrapping past the end is
/// contiguous. Here the data area is followed by as many spare bytes: a record that wraps is
/// written past the end, and read from there, so programs and the reader still see one piece.
/// Reserve fails (nil) when the producer would get more than `size - 1` bytes ahead of the
/// consumer or of the oldest record not yet submitted, exactly as `__bpf_ringbuf_reserve()`.
public final class RingBufferMap: BPFMap {
    /// The ring's size in bytes (`max_entries`, a power of two and a multiple of 4096).
    public let byteCount: Int
    let mask: UInt64
    /// `byteCount` bytes of ring, then `byteCount` spare bytes for records that wrap.
    let data: UnsafeMutableRawPointer
    let positions: UnsafeMutablePointer<Positions>

    struct Positions {
        var consumer: UInt64 = 0
        var producer: UInt64 = 0
        var pending: UInt64 = 0
        /// Set once, before several workers start producing (``markShared()``).
        var isShared = false
    }

    /// Serialises reservations and commits of several producers (the kernel's `rb->spinlock`);
    /// taken only once the ring is shared, so one worker pays nothing.
    let lock = Mutex<Void>(())

    /// `RINGBUF_MAX_RECORD_SZ`.
    public static let maximumRecordSize: UInt64 = UInt64(UInt32.max / 4)
    static let headerSize = UInt64(RingbufFlags.headerByteCount)
    static let busy = RingbufFlags.busyBit
    static let discarded = RingbufFlags.discardBit

    init(name: String, definition: MapDefinition, cpuCount: Int) {
        byteCount = Int(definition.maxEntries)
        mask = UInt64(byteCount - 1)
        data = MapMemory.allocate(byteCount: 2 * byteCount, alignment: 4096)
        positions = MapMemory.allocate(Positions.self, count: 1, repeating: Positions())
        super.init(name: name, definition: definition, cpuCount: cpuCount)
    }

    deinit {
        data.deallocate()
        positions.deallocate()
    }

    /// The consumer position (`BPF_RB_CONS_POS`): bytes consumed since creation.
    public var consumerPosition: UInt64 { positions.pointee.consumer }
    /// The producer position (`BPF_RB_PROD_POS`): bytes reserved since creation.
    public var producerPosition: UInt64 { positions.pointee.producer }
    /// Bytes reserved and not yet consumed (`BPF_RB_AVAIL_DATA`).
    public var availableByteCount: Int { Int(positions.pointee.producer - positions.pointee.consumer) }

    @inline(__always)
    static func recordLength(_ size: UInt64) -> UInt64 { (size + headerSize + 7) & ~7 }

    // MARK: - Helper path

    /// `__bpf_ringbuf_reserve()`: a record of `size` bytes, 8-byte aligned, or nil when the ring
    /// has no room (or `size` is larger than the ring). The record is busy until
    /// ``commit(_:discard:)``; the reader stops at it.
    public func reserve(_ size: UInt64) -> UnsafeMutableRawPointer? {
        guard positions.pointee.isShared else { return reserveUnlocked(size) }
        // Through an integer: a pointer is not Sendable out of the lock's closure.
        let address = lock.withLock { _ in UInt(bitPattern: reserveUnlocked(size)) }
        return UnsafeMutableRawPointer(bitPattern: address)
    }

    private func reserveUnlocked(_ size: UInt64) -> UnsafeMutableRawPointer? {
        guard size <= Self.maximumRecordSize else { return nil }
        let length = Self.recordLength(size)
        guard length <= UInt64(byteCount) else { return nil }
        let p = positions
        let consumer = p.pointee.consumer
        let producer = p.pointee.producer
        var pending = p.pointee.pending
        let newProducer = producer &+ length
        // Skip the records submitted since the last reservation: they no longer hold space back.
        while pending < producer {
            let header = (data + Int(pending & mask)).load(as: UInt32.self)
            if header & Self.busy != 0 { break }
            pending &+= Self.recordLength(UInt64(header & ~Self.discarded))
        }
        p.pointee.pending = pending
        if newProducer &- consumer > mask || newProducer &- pending > mask { return nil }
        let header = data + Int(producer & mask)
        header.storeBytes(of: UInt32(truncatingIfNeeded: size) | Self.busy, as: UInt32.self)
        // pg_off: the record's page in the ring (the kernel's is relative to its ring struct).
        header.storeBytes(of: UInt32(truncatingIfNeeded: (producer & mask) >> 12), toByteOffset: 4, as: UInt32.self)
        p.pointee.producer = newProducer
        return header + Int(Self.headerSize)
    }

    /// True if `address` is where a record of this ring starts (a pointer ``reserve(_:)`` returned).
    @inline(__always)
    public func contains(sample address: UInt64) -> Bool {
        let offset = address &- UInt64(UInt(bitPattern: data)) &- Self.headerSize
        return offset < UInt64(byteCount) && offset & 7 == 0
    }

    /// `bpf_ringbuf_commit()`: submits (or discards) a reserved record. Returns false, changing
    /// nothing, unless `sample` is a record of this ring that is still reserved.
    @discardableResult
    public func commit(_ sample: UnsafeMutableRawPointer, discard: Bool) -> Bool {
        guard positions.pointee.isShared else { return commitUnlocked(sample, discard: discard) }
        let address = UInt(bitPattern: sample)
        return lock.withLock { _ in commitUnlocked(UnsafeMutableRawPointer(bitPattern: address)!, discard: discard) }
    }

    private func commitUnlocked(_ sample: UnsafeMutableRawPointer, discard: Bool) -> Bool {
        guard contains(sample: UInt64(UInt(bitPattern: sample))) else { return false }
        let header = sample - Int(Self.headerSize)
        let length = header.load(as: UInt32.self)
        guard length & Self.busy != 0 else { return false }
        header.storeBytes(of: (length ^ Self.busy) | (discard ? Self.discarded : 0), as: UInt32.self)
        return true
    }

    /// `bpf_ringbuf_submit(sample, flags)`: the wakeup flags do not matter here.
    @discardableResult
    public func submit(_ sample: UnsafeMutableRawPointer) -> Bool { commit(sample, discard: false) }

    /// `bpf_ringbuf_discard(sample, flags)`: the reader skips the record.
    @discardableResult
    public func discard(_ sample: UnsafeMutableRawPointer) -> Bool { commit(sample, discard: true) }

    /// `bpf_ringbuf_output(map, data, size, flags)`: reserve, copy, submit; 0, `-EINVAL` for flags
    /// other than `BPF_RB_NO_WAKEUP`/`BPF_RB_FORCE_WAKEUP`, `-EAGAIN` when the ring is full.
    public func output(_ bytes: UnsafeRawPointer, count: UInt64, flags: UInt64) -> Int {
        if flags & ~(RingbufFlags.noWakeup | RingbufFlags.forceWakeup) != 0 { return MapErrno.einval.helperResult }
        guard let record = reserve(count) else { return MapErrno.eagain.helperResult }
        record.copyMemory(from: bytes, byteCount: Int(count))
        commit(record, discard: false)
        return 0
    }

    /// `bpf_ringbuf_query(map, flags)`: 0 for an unknown query.
    public func query(_ flags: UInt64) -> UInt64 {
        switch RingbufQuery(rawValue: flags) {
        case .availableData: positions.pointee.producer &- positions.pointee.consumer
        case .ringSize: UInt64(byteCount)
        case .consumerPosition: positions.pointee.consumer
        case .producerPosition: positions.pointee.producer
        case nil: 0
        }
    }

    /// Marks the ring written by several threads: reservations and commits take its lock.
    /// Call before the threads start.
    func markShared() { positions.pointee.isShared = true }

    /// The ring's data (and spare) bytes, where reserved records live.
    public override var valueMemory: UnsafeMutableRawBufferPointer? {
        UnsafeMutableRawBufferPointer(start: data, count: 2 * byteCount)
    }

    public override var isListable: Bool { false }
    public override var userValueSize: Int { 0 }

    // MARK: - Reader (user space)

    /// Hands each submitted record to `body` in order, skipping discarded ones, and frees their
    /// space (libbpf's `ring_buffer__consume()`); stops at the first record still reserved, or
    /// after `limit` records. Returns how many records `body` received. If `body` throws, the
    /// record it was given counts as consumed.
    ///
    /// The buffer is valid only during the call.
    @discardableResult
    public func consume<E: Error>(limit: Int = Int.max,
                                  _ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) -> Int {
        let p = positions
        var consumer = p.pointee.consumer
        let producer = p.pointee.producer
        var delivered = 0
        while consumer < producer && delivered < limit {
            let header = data + Int(consumer & mask)
            let length = header.load(as: UInt32.self)
            if length & Self.busy != 0 { break }
            let size = UInt64(length & ~Self.discarded)
            let recordLength = Self.recordLength(size)
            // A header a program overwrote in checked mode must not make the reader leave the ring.
            guard recordLength <= producer &- consumer else { break }
            consumer &+= recordLength
            p.pointee.consumer = consumer
            if length & Self.discarded == 0 {
                delivered += 1
                try body(UnsafeRawBufferPointer(start: header + Int(Self.headerSize), count: Int(size)))
            }
        }
        return delivered
    }

    /// One record between the consumer and the producer, as ``records()`` lists it.
    public struct Record: Sendable, Hashable {
        /// The size the program reserved or output.
        public var length: Int
        /// True for a record the program discarded (readers skip it).
        public var isDiscarded: Bool
        /// True while the record is reserved and neither submitted nor discarded.
        public var isBusy: Bool
        public var bytes: [UInt8]
    }

    /// Every record not yet consumed, in order, discarded and busy ones included, without consuming
    /// anything (what `oracle_plus.py` reads back through the buffer's mapped pages).
    public func records() -> [Record] {
        var result = [Record]()
        var position = positions.pointee.consumer
        let producer = positions.pointee.producer
        while position < producer {
            let header = data + Int(position & mask)
            let word = header.load(as: UInt32.self)
            let size = UInt64(word & ~(Self.busy | Self.discarded))
            let recordLength = Self.recordLength(size)
            guard recordLength <= producer &- position else { break }
            let start = header + Int(Self.headerSize)
            result.append(Record(length: Int(size), isDiscarded: word & Self.discarded != 0, isBusy: word & Self.busy != 0,
                                 bytes: Array(UnsafeRawBufferPointer(start: start, count: Int(size)))))
            position &+= recordLength
        }
        return result
    }

    /// Every submitted record not yet consumed, in order, as byte arrays (consuming them).
    public func drain() -> [[UInt8]] {
        var records: [[UInt8]] = []
        consume { (record: UnsafeRawBufferPointer) in records.append(Array(record)) }
        return records
    }
}
