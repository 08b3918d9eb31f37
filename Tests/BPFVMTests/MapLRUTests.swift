import BPFABI
import BPFVM
import TestSupport
import Testing

/// LRU hash maps: eviction instead of E2BIG, by the kernel's algorithm (the kernel comparison
/// is in MapKernelTests.swift; these pin the behaviour down without a kernel).
extension MapTests {
    @Suite struct LRU {
        /// Keys 0..<n inserted by a program on worker 0.
        func filled(_ n: Int, entries: UInt32 = 8, flags: MapFlags = [], type: MapType = .lruHash) throws -> HashMap {
            let map = try #require(try makeMap(type, entries: entries, flags: flags, cpus: 2) as? HashMap)
            for k in 0..<n { #expect(map.programUpdate(le32(UInt32(k)), le64(UInt64(k))) == 0) }
            return map
        }

        func keys(_ map: BPFMap) -> Set<UInt32> {
            Set(map.entries().map { $0.key.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } })
        }

        @Test func fullMapEvictsTheOldestInBatches() throws {
            let map = try filled(8)
            #expect(map.count == 8)
            // target_free = 8 / 2 CPUs / 2 = 2: the refill evicts the two oldest unreferenced elements.
            #expect(map.programUpdate(le32(8), le64(8)) == 0)
            #expect(keys(map) == Set(2...8))
            #expect(map.count == 7)
            for k in 9..<100 { #expect(map.programUpdate(le32(UInt32(k)), le64(1)) == 0) }
            #expect(map.count <= 8)
            #expect(keys(map).contains(99))
        }

        @Test func programLookupsSaveElementsFromEviction() throws {
            let map = try filled(8)
            #expect(map.programLookup(le32(0)) != nil)
            #expect(map.programLookup(le32(1)) != nil)
            #expect(map.programUpdate(le32(8), le64(8)) == 0)
            #expect(keys(map).isSuperset(of: [0, 1, 8]))
            #expect(!keys(map).contains(2))
        }

        @Test func userSpaceLookupsDoNotCount() throws {
            let map = try filled(8)
            _ = try map.lookup(key: le32(0))
            _ = try map.lookup(key: le32(1))
            #expect(map.programUpdate(le32(8), le64(8)) == 0)
            #expect(keys(map) == Set(2...8))
        }

        @Test func flags() throws {
            let map = try filled(2)
            #expect(map.programUpdate(le32(0), le64(5), flags: MapUpdateFlags.noExist) == eexist)
            #expect(map.programUpdate(le32(7), le64(5), flags: MapUpdateFlags.exist) == enoent)
            #expect(map.programUpdate(le32(0), le64(5), flags: MapUpdateFlags.lock) == einval)
            #expect(map.programUpdate(le32(0), le64(5), flags: 3) == einval)
            #expect(map.programUpdate(le32(0), le64(5), flags: MapUpdateFlags.exist) == 0)
            #expect(map.programValue(le32(0)) == le64(5))
            #expect(map.count == 2)
            #expect(map.programDelete(le32(0)) == 0)
            #expect(map.programDelete(le32(0)) == enoent)
            #expect(keys(map) == [1])
        }

        @Test func perCPUListsRoundMaxEntriesToTheCPUCount() throws {
            let map = try filled(0, entries: 5, flags: .noCommonLRU)
            #expect(map.maxEntries == 6)
            // Each CPU's list holds 3: worker 0 alone keeps at most 3 elements.
            for k in 0..<10 { #expect(map.programUpdate(le32(UInt32(k)), le64(0), cpu: 0) == 0) }
            #expect(map.count <= 3)
            for k in 10..<13 { #expect(map.programUpdate(le32(UInt32(k)), le64(0), cpu: 1) == 0) }
            #expect(keys(map).isSuperset(of: [9, 10, 11, 12]))
        }

        @Test func lruPerCPUHashValues() throws {
            let map = try filled(0, type: .lruPercpuHash)
            #expect(map.programUpdate(le32(3), le64(33), cpu: 1) == 0)
            #expect(map.programValue(le32(3), cpu: 0) == le64(0))
            #expect(map.programValue(le32(3), cpu: 1) == le64(33))
            #expect(map.programUpdate(le32(3), le64(30), cpu: 0) == 0)
            #expect(try map.lookup(key: le32(3)).map(map.perCPUValues) == [le64(30), le64(33)])
            #expect(map.programUpdate(le32(4), le64(1), flags: MapUpdateFlags.exist) == enoent)
            #expect(map.count == 1)
        }

        @Test func churnKeepsTheTableConsistent() throws {
            for flags in [MapFlags(), .noCommonLRU] {
                let map = try filled(0, entries: 16, flags: flags)
                var rng = SplitMix64(seed: 5)
                var pointers: [UnsafeMutableRawPointer] = []
                for _ in 0..<20_000 {
                    let key = le32(UInt32(rng.next() % 64))
                    let cpu = Int(rng.next() % 2)
                    switch rng.next() % 4 {
                    case 0: _ = map.programDelete(key, cpu: cpu)
                    case 1: if let p = map.programLookup(key, cpu: cpu) { pointers.append(p) }
                    default: #expect(map.programUpdate(key, le64(rng.next()), cpu: cpu) == 0)
                    }
                }
                let listed = map.entries()
                #expect(listed.count == map.count)
                #expect(Set(listed.map(\.key)).count == listed.count)
                #expect(map.count <= 16)
                #expect(pointers.allSatisfy { map.owns($0, byteCount: 8) })
            }
        }
    }
}

