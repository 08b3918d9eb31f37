import BPFABI
import BPFVM
import Testing

/// Ring buffers (kernel/bpf/ringbuf.c + libbpf's reader) and perf event arrays.
extension MapTests {
    @Suite struct RingBuffers {
        func ring(_ size: UInt32 = 4096) throws -> RingBufferMap {
            try #require(try makeMap(.ringbuf, key: 0, value: 0, entries: size) as? RingBufferMap)
        }

        func write(_ record: UnsafeMutableRawPointer, _ bytes: [UInt8]) {
            bytes.withUnsafeBytes { record.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        }

        @Test func recordsComeOutInReservationOrderOnceSubmitted() throws {
            let ring = try ring()
            let a = try #require(ring.reserve(3))
            let b = try #require(ring.reserve(8))
            let c = try #require(ring.reserve(0))
            #expect([a, b, c].allSatisfy { UInt(bitPattern: $0) % 8 == 0 })
            #expect(b - a == 16 && c - b == 16)  // 8-byte header + size, rounded up to 8
            // The header carries the size and the busy bit until the record is committed.
            #expect((a - 8).load(as: UInt32.self) == 3 | RingbufFlags.busyBit)
            write(a, [1, 2, 3])
            write(b, Array(10..<18))
            #expect(ring.submit(b))
            #expect(ring.submit(c))
            #expect(ring.drain().isEmpty)  // a is still reserved: the reader waits for it
            #expect(ring.submit(a))
            #expect((a - 8).load(as: UInt32.self) == 3)
            #expect(ring.drain() == [[1, 2, 3], Array(10..<18), []])
            #expect(ring.availableByteCount == 0)
            #expect(!ring.submit(a))  // committed already
        }

        @Test func discardedRecordsAreSkipped() throws {
            let ring = try ring()
            let a = try #require(ring.reserve(4))
            let b = try #require(ring.reserve(4))
            write(b, [5, 6, 7, 8])
            #expect(ring.discard(a))
            #expect((a - 8).load(as: UInt32.self) == 4 | RingbufFlags.discardBit)
            #expect(ring.submit(b))
            #expect(ring.drain() == [[5, 6, 7, 8]])
            #expect(ring.consumerPosition == 32)
        }

        @Test func outputCopiesAndChecksFlags() throws {
            let ring = try ring()
            let data: [UInt8] = [9, 8, 7]
            #expect(data.withUnsafeBytes { ring.output($0.baseAddress!, count: 3, flags: RingbufFlags.noWakeup) } == 0)
            #expect(data.withUnsafeBytes { ring.output($0.baseAddress!, count: 3, flags: RingbufFlags.forceWakeup) } == 0)
            #expect(data.withUnsafeBytes { ring.output($0.baseAddress!, count: 3, flags: 4) } == einval)
            #expect(ring.drain() == [data, data])
        }

        @Test func fullRing() throws {
            let ring = try ring()
            // The producer may get at most size - 1 bytes ahead: one record of 4080 bytes fits.
            #expect(ring.reserve(4081) == nil)
            #expect(ring.reserve(UInt64(UInt32.max)) == nil)
            let big = try #require(ring.reserve(4080))
            #expect(ring.reserve(0) == nil)
            let bytes = [UInt8](repeating: 1, count: 8)
            #expect(bytes.withUnsafeBytes { ring.output($0.baseAddress!, count: 8, flags: 0) } == MapErrno.eagain.helperResult)
            ring.submit(big)
            #expect(ring.reserve(0) == nil)  // submitted but not consumed: still no room
            #expect(ring.drain().count == 1)
            #expect(ring.reserve(4080) != nil)
        }

        @Test func anUnsubmittedRecordHoldsBackTheProducer() throws {
            let ring = try ring()
            let first = try #require(ring.reserve(1000))
            var later: [UnsafeMutableRawPointer] = []
            while let r = ring.reserve(1000) { later.append(r) }
            #expect(later.count == 3)  // 4 × 1008 bytes fit in 4095, a fifth does not
            for r in later { ring.submit(r) }
            #expect(ring.drain().isEmpty)
            #expect(ring.reserve(1000) == nil)
            ring.submit(first)
            #expect(ring.drain().count == 4)
            #expect(ring.reserve(1000) != nil)
        }

        @Test func recordsWrapAroundTheEndContiguously() throws {
            let ring = try ring()
            for n in 0..<40 {
                let size = 600 + n * 37 % 400
                let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) }
                let record = try #require(ring.reserve(UInt64(size)))
                #expect(ring.owns(record, byteCount: size))
                write(record, bytes)
                ring.submit(record)
                #expect(ring.drain() == [bytes], "record \(n)")
            }
            #expect(ring.producerPosition > 4 * 4096)
            #expect(ring.query(RingbufQuery.producerPosition.rawValue) == ring.producerPosition)
            #expect(ring.query(RingbufQuery.consumerPosition.rawValue) == ring.producerPosition)
            #expect(ring.query(RingbufQuery.ringSize.rawValue) == 4096)
            #expect(ring.query(RingbufQuery.availableData.rawValue) == 0)
            #expect(ring.query(99) == 0)
        }

        @Test func readerLimitAndThrowingBody() throws {
            struct Stop: Error {}
            let ring = try ring()
            for v in 0..<5 { _ = [UInt8(v)].withUnsafeBytes { ring.output($0.baseAddress!, count: 1, flags: 0) } }
            var seen: [UInt8] = []
            #expect(ring.consume(limit: 2) { seen.append($0[0]) } == 2)
            #expect(throws: Stop.self) { try ring.consume { _ throws(Stop) in throw Stop() } }
            #expect(ring.drain() == [[3], [4]])  // the record handed to the throwing body is consumed
            #expect(seen == [0, 1])
        }

        @Test func foreignPointersAreRefused() throws {
            let set = MapSet(cpuCount: 1)
            try set.add(MapSpecification(name: "a", definition: MapDefinition(type: .ringbuf, keySize: 0, valueSize: 0, maxEntries: 4096, name: "a")))
            try set.add(MapSpecification(name: "b", definition: MapDefinition(type: .ringbuf, keySize: 0, valueSize: 0, maxEntries: 8192, name: "b")))
            let b = try #require(set[1] as? RingBufferMap)
            let record = try #require(b.reserve(16))
            #expect(set.ringBuffer(containing: UInt64(UInt(bitPattern: record))) === b)
            #expect(set.ringBuffer(containing: UInt64(UInt(bitPattern: record)) + 4) == nil)
            #expect(!(set[0] as! RingBufferMap).submit(record))
            #expect(!b.submit(record + 8))
            #expect(b.submit(record))
            // Not a listable map: element access from user space is ENOTSUPP, as in the kernel.
            expectError(.enotsupp) { () throws(MapError) in _ = try b.lookup(key: []) }
            #expect(b.entries().isEmpty)
        }
    }

    @Suite struct PerfEventArrays {
        @Test func outputNeedsAnOpenSlotOnTheSameCPU() throws {
            let set = MapSet(cpuCount: 2)
            try set.add(MapSpecification(name: "events", definition: MapDefinition(
                type: .perfEventArray, keySize: 0, valueSize: 0, maxEntries: 0, name: "events")))
            let events = try #require(set[0] as? PerfEventArrayMap)
            #expect(events.maxEntries == 2)  // one slot per CPU when max_entries is 0
            let data: [UInt8] = [1, 2, 3]
            let current = PerfEventOutputFlags.currentCPU
            func output(_ flags: UInt64, cpu: Int, trailer: [UInt8] = []) -> Int {
                data.withUnsafeBytes { d in trailer.withUnsafeBytes { t in events.output(flags: flags, cpu: cpu, d, trailer: t) } }
            }
            #expect(output(current, cpu: 0) == enoent)  // no perf event open, as under test_run
            events.openAll()
            #expect(output(current, cpu: 1, trailer: [4, 5]) == 0)
            #expect(output(0, cpu: 0) == 0)
            #expect(output(1, cpu: 0) == MapErrno.eopnotsupp.helperResult)
            #expect(output(2, cpu: 0) == e2big)
            // BPF_F_CTXLEN_MASK bits are the helper's business.
            #expect(output(PerfEventOutputFlags.contextLengthMask | 0, cpu: 0) == 0)
            let samples = events.drain()
            #expect(samples.map(\.index) == [0, 0, 1])
            #expect(samples.map(\.bytes) == [data, data, data + [4, 5]])
            events.close(index: 0)
            #expect(output(current, cpu: 0) == enoent)
        }

        @Test func fullBufferLosesSamples() throws {
            let set = MapSet(cpuCount: 1, perfBufferByteCount: 4096)
            try set.add(MapSpecification(name: "e", definition: MapDefinition(
                type: .perfEventArray, keySize: 4, valueSize: 4, maxEntries: 1, name: "e")))
            let events = try #require(set[0] as? PerfEventArrayMap)
            events.open(index: 0)
            let data = [UInt8](repeating: 7, count: 1000)
            func output() -> Int { data.withUnsafeBytes { events.output(flags: 0, cpu: 0, $0) } }
            for _ in 0..<4 { #expect(output() == 0) }
            #expect(output() == MapErrno.enospc.helperResult)
            #expect(events.lostCount(index: 0) == 1)
            var sizes: [Int] = []
            #expect(events.consume { _, sample in sizes.append(sample.count) } == 4)
            #expect(sizes == [1000, 1000, 1000, 1000])
            for _ in 0..<10 {
                #expect(output() == 0)
                #expect(events.drain().map(\.bytes) == [data])  // wraps around the end
            }
            // Opening from user space: key = slot, value = CPU.
            try events.update(key: le32(0), value: le32(0))
            try events.delete(key: le32(0))
            expectError(.enoent) { () throws(MapError) in try events.delete(key: le32(0)) }
            expectError(.enotsupp) { () throws(MapError) in _ = try events.lookup(key: le32(0)) }
        }
    }
}
