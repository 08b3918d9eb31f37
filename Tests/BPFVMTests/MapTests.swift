import BPFABI
import BPFVM
import TestSupport
import Testing

// Helpers shared by the Map*Tests files: the helper-path calls with byte arrays (below), and
// byte builders and map construction (static members of MapTests, seen by its nested suites).

extension BPFMap {
    /// `bpf_map_lookup_elem` as a program on `cpu` calls it.
    func programLookup(_ key: [UInt8], cpu: Int = 0) -> UnsafeMutableRawPointer? {
        key.withUnsafeBytes { lookup($0.baseAddress!, cpu: cpu) }
    }

    /// The bytes a program on `cpu` reads at its lookup pointer, or nil.
    func programValue(_ key: [UInt8], cpu: Int = 0) -> [UInt8]? {
        programLookup(key, cpu: cpu).map { Array(UnsafeRawBufferPointer(start: $0, count: valueSize)) }
    }

    func programUpdate(_ key: [UInt8], _ value: [UInt8], flags: UInt64 = MapUpdateFlags.any, cpu: Int = 0) -> Int {
        key.withUnsafeBytes { k in value.withUnsafeBytes { v in update(k.baseAddress!, v.baseAddress!, flags: flags, cpu: cpu) } }
    }

    func programDelete(_ key: [UInt8], cpu: Int = 0) -> Int {
        key.withUnsafeBytes { delete($0.baseAddress!, cpu: cpu) }
    }

    /// True if `pointer` lies inside the map's value memory, `byteCount` bytes of it.
    func owns(_ pointer: UnsafeMutableRawPointer, byteCount: Int) -> Bool {
        guard let memory = valueMemory, let base = memory.baseAddress else { return false }
        return pointer >= base && pointer + byteCount <= base + memory.count
    }
}

/// Every map test; the files Map*Tests.swift add nested suites, so `--filter MapTests` runs them all.
@Suite struct MapTests {
    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    static func makeMap(_ type: MapType, key: UInt32 = 4, value: UInt32 = 8, entries: UInt32 = 4, flags: MapFlags = [],
                        cpus: Int = 2, name: String = "m") throws -> BPFMap {
        let set = MapSet(cpuCount: cpus)
        try set.add(MapSpecification(name: name, definition: MapDefinition(
            type: type, keySize: key, valueSize: value, maxEntries: entries, flags: flags, name: name)))
        return set[0]
    }

    static func expectError(_ errno: MapErrno, _ body: () throws(MapError) -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected \(errno)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.errno == errno, "\(error)", sourceLocation: sourceLocation)
        }
    }

    static let einval = MapErrno.einval.helperResult
    static let eexist = MapErrno.eexist.helperResult
    static let enoent = MapErrno.enoent.helperResult
    static let e2big = MapErrno.e2big.helperResult
}

extension MapTests {
    /// Array and per-CPU array semantics (kernel/bpf/arraymap.c).
    @Suite struct Arrays {
        @Test func valuesStartZeroedAlignedAndInRange() throws {
            let map = try makeMap(.array, value: 12, entries: 5)
            var previous: UnsafeMutableRawPointer? = nil
            for i in 0..<5 {
                let p = try #require(map.programLookup(le32(UInt32(i))))
                #expect(UInt(bitPattern: p) % 8 == 0)
                #expect(map.owns(p, byteCount: 12))
                #expect(Array(UnsafeRawBufferPointer(start: p, count: 12)) == [UInt8](repeating: 0, count: 12))
                if let previous { #expect(p - previous == 16) }  // value_size rounded up to 8
                previous = p
            }
            #expect(map.programLookup(le32(5)) == nil)
            #expect(map.programLookup(le32(.max)) == nil)
        }

        @Test func updateErrnosInKernelOrder() throws {
            let map = try makeMap(.array, entries: 4)
            let value = le64(0x1122_3344_5566_7788)
            #expect(map.programUpdate(le32(1), value, flags: MapUpdateFlags.any) == 0)
            #expect(map.programValue(le32(1)) == value)
            #expect(map.programUpdate(le32(1), le64(7), flags: MapUpdateFlags.exist) == 0)
            #expect(map.programValue(le32(1)) == le64(7))
            #expect(map.programUpdate(le32(1), value, flags: MapUpdateFlags.noExist) == eexist)
            #expect(map.programUpdate(le32(4), value, flags: MapUpdateFlags.any) == e2big)
            // E2BIG is checked before EEXIST, EINVAL for unknown flags before both.
            #expect(map.programUpdate(le32(4), value, flags: MapUpdateFlags.noExist) == e2big)
            #expect(map.programUpdate(le32(4), value, flags: 3) == einval)
            #expect(map.programUpdate(le32(0), value, flags: MapUpdateFlags.lock) == einval)
            #expect(map.programUpdate(le32(0), value, flags: 8) == einval)
            #expect(map.programDelete(le32(0)) == einval)
            #expect(map.programValue(le32(1)) == le64(7))
        }

        @Test func userSpaceAPI() throws {
            let map = try makeMap(.array, value: 4, entries: 3)
            try map.update(key: le32(2), value: [1, 2, 3, 4])
            #expect(try map.lookup(key: le32(2)) == [1, 2, 3, 4])
            #expect(try map.lookup(key: le32(3)) == nil)
            expectError(.einval) { () throws(MapError) in try map.update(key: le32(0), value: [1, 2, 3]) }
            expectError(.einval) { () throws(MapError) in try map.update(key: [0, 0, 0], value: [1, 2, 3, 4]) }
            expectError(.e2big) { () throws(MapError) in try map.update(key: le32(3), value: [1, 2, 3, 4]) }
            expectError(.eexist) { () throws(MapError) in
                try map.update(key: le32(0), value: [1, 2, 3, 4], flags: MapUpdateFlags.noExist)
            }
            expectError(.einval) { () throws(MapError) in try map.delete(key: le32(0)) }
            #expect(try map.nextKey(after: nil) == le32(0))
            #expect(try map.nextKey(after: le32(0)) == le32(1))
            #expect(try map.nextKey(after: le32(2)) == nil)
            #expect(try map.nextKey(after: le32(77)) == le32(0))
            let entries = map.entries()
            #expect(entries.map(\.key) == [le32(0), le32(1), le32(2)])
            #expect(entries.map(\.value) == [[0, 0, 0, 0], [0, 0, 0, 0], [1, 2, 3, 4]])
        }

        @Test func perCPUArrayKeepsOneValuePerWorker() throws {
            let map = try makeMap(.percpuArray, value: 4, entries: 2, cpus: 3)
            #expect(map.userValueSize == 24)
            #expect(map.programUpdate(le32(1), [9, 9, 9, 9], cpu: 1) == 0)
            #expect(map.programValue(le32(1), cpu: 1) == [9, 9, 9, 9])
            #expect(map.programValue(le32(1), cpu: 0) == [0, 0, 0, 0])
            #expect(map.programLookup(le32(1), cpu: 0) != map.programLookup(le32(1), cpu: 1))
            let all = try #require(try map.lookup(key: le32(1)))
            #expect(map.perCPUValues(all) == [[0, 0, 0, 0], [9, 9, 9, 9], [0, 0, 0, 0]])
            // User space writes every CPU's copy (value_size rounded up to 8 each).
            try map.update(key: le32(0), value: Array(1...24))
            #expect(map.programValue(le32(0), cpu: 2) == [17, 18, 19, 20])
            #expect(try map.lookup(key: le32(0)) == Array(1...24))
            expectError(.eexist) { () throws(MapError) in
                try map.update(key: le32(0), value: Array(1...24), flags: MapUpdateFlags.noExist)
            }
            expectError(.einval) { () throws(MapError) in try map.update(key: le32(0), value: [1, 2, 3, 4]) }
        }

        @Test func aWorkerBeyondTheCPUCountTraps() async {
            await #expect(processExitsWith: .failure) {
                let set = MapSet(cpuCount: 2)
                try set.add(MapSpecification(name: "p", definition: MapDefinition(
                    type: .percpuArray, keySize: 4, valueSize: 8, maxEntries: 1, name: "p")))
                _ = [UInt8](repeating: 0, count: 4).withUnsafeBytes { set[0].lookup($0.baseAddress!, cpu: 2) }
            }
        }

        @Test func directValueAccessOnlyForSingleElementArrays() throws {
            let one = try #require(try makeMap(.array, value: 16, entries: 1) as? ArrayMap)
            #expect(one.directValueAddress(offset: 0) == one.programLookup(le32(0)))
            #expect(one.directValueAddress(offset: 15) == one.programLookup(le32(0))! + 15)
            #expect(one.directValueAddress(offset: 16) == nil)
            #expect(one.directValueAddress(offset: -1) == nil)
            let two = try #require(try makeMap(.array, value: 16, entries: 2) as? ArrayMap)
            #expect(two.directValueAddress(offset: 0) == nil)
        }
    }

    /// Hash and per-CPU hash semantics (kernel/bpf/hashtab.c).
    @Suite struct Hashes {
        @Test func insertLookupDelete() throws {
            let map = try #require(try makeMap(.hash, entries: 4) as? HashMap)
            #expect(map.programLookup(le32(7)) == nil)
            #expect(map.programUpdate(le32(7), le64(70)) == 0)
            #expect(map.programValue(le32(7)) == le64(70))
            #expect(map.count == 1)
            #expect(map.programDelete(le32(7)) == 0)
            #expect(map.programDelete(le32(7)) == enoent)
            #expect(map.programLookup(le32(7)) == nil)
            #expect(map.count == 0)
        }

        @Test func flagsFollowCheckFlags() throws {
            let map = try makeMap(.hash, entries: 4)
            #expect(map.programUpdate(le32(1), le64(1), flags: MapUpdateFlags.exist) == enoent)
            #expect(map.programUpdate(le32(1), le64(1), flags: MapUpdateFlags.noExist) == 0)
            #expect(map.programUpdate(le32(1), le64(2), flags: MapUpdateFlags.noExist) == eexist)
            #expect(map.programUpdate(le32(1), le64(3), flags: MapUpdateFlags.exist) == 0)
            #expect(map.programValue(le32(1)) == le64(3))
            #expect(map.programUpdate(le32(1), le64(4), flags: 3) == einval)
            #expect(map.programUpdate(le32(1), le64(4), flags: MapUpdateFlags.lock) == einval)
            #expect(map.programValue(le32(1)) == le64(3))
        }

        @Test func fullMapRefusesNewKeysButUpdatesOldOnes() throws {
            let map = try makeMap(.hash, entries: 3)
            for k in 0..<3 { #expect(map.programUpdate(le32(UInt32(k)), le64(UInt64(k))) == 0) }
            #expect(map.programUpdate(le32(3), le64(3)) == e2big)
            #expect(map.programUpdate(le32(2), le64(22)) == 0)
            #expect(map.programValue(le32(2)) == le64(22))
            expectError(.e2big) { () throws(MapError) in try map.update(key: le32(9), value: le64(9)) }
            #expect(map.programDelete(le32(0)) == 0)
            #expect(map.programUpdate(le32(3), le64(3)) == 0)
            #expect(Set(map.entries().map(\.key)) == [le32(1), le32(2), le32(3)])
        }

        @Test func valuePointersStayValidAcrossUpdatesAndDeletes() throws {
            let map = try makeMap(.hash, value: 16, entries: 64)
            #expect(map.programUpdate(le32(1000), [UInt8](repeating: 1, count: 16)) == 0)
            let pointer = try #require(map.programLookup(le32(1000)))
            var rng = SplitMix64(seed: 7)
            for round in 0..<5000 {
                let key = le32(UInt32(rng.next() % 100))
                if rng.next() % 3 == 0 { _ = map.programDelete(key) } else { _ = map.programUpdate(key, [UInt8](repeating: UInt8(round & 0xff), count: 16)) }
                if round % 100 == 0 {
                    #expect(map.programUpdate(le32(1000), [UInt8](repeating: UInt8(round & 0x7f), count: 16)) == 0)
                    // Updating an existing key keeps its element: the old pointer sees the new value.
                    #expect(map.programLookup(le32(1000)) == pointer)
                    #expect(pointer.load(as: UInt8.self) == UInt8(round & 0x7f))
                }
            }
            #expect(map.owns(pointer, byteCount: 16))
            // Deleted, its memory stays the map's (a later insert reuses it).
            #expect(map.programDelete(le32(1000)) == 0)
            pointer.storeBytes(of: 0xdead_beef, as: UInt32.self)
            #expect(map.owns(pointer, byteCount: 16))
        }

        @Test(arguments: [1, 3, 4, 6, 8, 12, 13, 20, 64])
        func keysOfAnySize(keySize: Int) throws {
            let map = try makeMap(.hash, key: UInt32(keySize), value: 4, entries: 300)
            var keys: [[UInt8]] = []
            for i in 0..<(keySize == 1 ? 256 : 300) {
                var key = [UInt8](repeating: 0xa5, count: keySize)
                key[keySize - 1] = UInt8(i & 0xff)
                if keySize > 1 { key[0] = UInt8(i >> 8) }
                keys.append(key)
                #expect(map.programUpdate(key, le32(UInt32(i))) == 0)
            }
            for (i, key) in keys.enumerated() { #expect(map.programValue(key) == le32(UInt32(i))) }
            #expect(Set(map.entries().map(\.key)) == Set(keys))
        }

        @Test func nextKeyVisitsEveryElementOnce() throws {
            let map = try makeMap(.hash, entries: 100)
            for k in 0..<100 where k % 3 != 0 { #expect(map.programUpdate(le32(UInt32(k)), le64(1)) == 0) }
            for k in stride(from: 1, to: 100, by: 7) { _ = map.programDelete(le32(UInt32(k))) }
            let keys = map.entries().map(\.key)
            let kept: [Int] = (0..<100).filter { (k: Int) -> Bool in k % 3 != 0 && (k - 1) % 7 != 0 }
            let expected: [[UInt8]] = kept.map { le32(UInt32($0)) }
            #expect(keys.count == expected.count)
            #expect(Set(keys) == Set(expected))
            #expect(try map.nextKey(after: le32(0)) == keys.first)  // absent key: start over
        }

        @Test func perCPUHashInitialisesOtherCPUsToZero() throws {
            let map = try makeMap(.percpuHash, value: 4, entries: 4, cpus: 2)
            #expect(map.userValueSize == 16)
            #expect(map.programUpdate(le32(5), [1, 1, 1, 1], cpu: 1) == 0)
            #expect(map.programValue(le32(5), cpu: 0) == [0, 0, 0, 0])
            #expect(map.programValue(le32(5), cpu: 1) == [1, 1, 1, 1])
            #expect(map.programUpdate(le32(5), [2, 2, 2, 2], cpu: 0) == 0)
            #expect(try map.lookup(key: le32(5)).map(map.perCPUValues) == [[2, 2, 2, 2], [1, 1, 1, 1]])
            // A deleted element comes back zeroed on the other CPUs, whatever it held before.
            #expect(map.programDelete(le32(5)) == 0)
            #expect(map.programUpdate(le32(6), [3, 3, 3, 3], cpu: 1) == 0)
            #expect(try map.lookup(key: le32(6)) == [0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 0, 0, 0, 0])
            try map.update(key: le32(6), value: Array(1...16))
            #expect(map.programValue(le32(6), cpu: 1) == [9, 10, 11, 12])
            #expect(map.programUpdate(le32(6), [0, 0, 0, 0], flags: MapUpdateFlags.lock) == einval)
            #expect(map.programUpdate(le32(6), [0, 0, 0, 0], flags: MapUpdateFlags.noExist) == eexist)
        }
    }
}
