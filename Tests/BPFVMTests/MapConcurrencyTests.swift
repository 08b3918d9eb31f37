import BPFABI
import BPFVM
import Foundation
import Synchronization
import Testing

/// Maps shared by several datapath workers (one thread per TUN queue): hash maps stay consistent
/// under concurrent helper-path updates and deletes, and each worker has its own per-CPU slot.
extension MapTests {
    @Suite struct Concurrency {
        /// Lets the test hand a map to two threads; the map itself is what is under test.
        struct Shared: @unchecked Sendable { let map: BPFMap }

        static let rounds = 300_000
        static let keysPerWorker = 24

        func sharedSet(_ type: MapType, entries: UInt32) throws -> MapSet {
            let set = MapSet(cpuCount: 2)
            try set.add(MapSpecification(name: "m", definition: MapDefinition(
                type: type, keySize: 4, valueSize: 8, maxEntries: entries, name: "m")))
            set.share(amongWorkers: 2)
            return set
        }

        /// Where both threads wait before their loops, so that the loops overlap.
        final class Barrier: Sendable { let arrived = Atomic<Int>(0) }

        /// Runs `body(map, worker)` for workers 0 and 1 on two threads of their own at the same
        /// time (threads, not tasks or a pool: the barrier needs both running at once).
        func onTwoWorkers(_ map: BPFMap, _ body: @escaping @Sendable (BPFMap, Int) -> Void) {
            let shared = Shared(map: map)
            let barrier = Barrier()
            let done = DispatchGroup()
            for worker in 0..<2 {
                done.enter()
                Thread {
                    barrier.arrived.add(1, ordering: .acquiringAndReleasing)
                    while barrier.arrived.load(ordering: .acquiring) < 2 {}
                    body(shared.map, worker)
                    done.leave()
                }.start()
            }
            done.wait()
        }

        /// Each worker inserts, looks up and deletes its own keys over and over, on one shared free
        /// list and one bucket array; in the end it keeps its odd keys. An unserialised free stack
        /// or bucket chain loses or duplicates elements, and the final contents come out wrong.
        @Test(arguments: [MapType.hash, .percpuHash])
        func concurrentUpdatesAndDeletesKeepTheMapConsistent(type: MapType) throws {
            let set = try sharedSet(type, entries: UInt32(2 * Self.keysPerWorker))
            let map = set[0]
            #expect((map as? HashMap)?.isShared == true)
            onTwoWorkers(map) { map, worker in
                let base = UInt32(worker * Self.keysPerWorker)
                for round in 0..<Self.rounds {
                    let key = base + UInt32(round % Self.keysPerWorker)
                    let value = UInt64(key) << 32 | UInt64(round)
                    _ = map.programUpdate(le32(key), le64(value), cpu: worker)
                    if map.programValue(le32(key), cpu: worker) != le64(value) { fatalError("lost update") }
                    if round & 1 == 0 { _ = map.programDelete(le32(key), cpu: worker) }
                }
                for k in 0..<UInt32(Self.keysPerWorker) where k & 1 == 0 {
                    _ = map.programDelete(le32(base + k), cpu: worker)
                }
                for k in 0..<UInt32(Self.keysPerWorker) where k & 1 == 1 {
                    _ = map.programUpdate(le32(base + k), le64(UInt64(base + k)), cpu: worker)
                }
            }
            let hash = try #require(map as? HashMap)
            #expect(hash.count == Self.keysPerWorker)
            let keys = map.entries().map { $0.key.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
            #expect(Set(keys) == Set((0..<UInt32(2 * Self.keysPerWorker)).filter { $0 & 1 == 1 }))
            #expect(keys.count == Self.keysPerWorker)
            for key in keys {
                #expect(map.programValue(le32(key), cpu: Int(key) / Self.keysPerWorker) == le64(UInt64(key)))
            }
        }

        /// Both workers bump the same key's value through their lookup pointer without atomics:
        /// with distinct per-CPU slots no increment is lost and each slot holds its worker's count.
        @Test(arguments: [MapType.percpuHash, .percpuArray, .lruPercpuHash])
        func perCPUSlotsAreDistinctPerWorker(type: MapType) throws {
            let set = try sharedSet(type, entries: 4)
            let map = set[0]
            if type != .percpuArray { #expect(map.programUpdate(le32(0), le64(0)) == 0) }
            let a = try #require(map.programLookup(le32(0), cpu: 0))
            let b = try #require(map.programLookup(le32(0), cpu: 1))
            #expect(a != b)
            onTwoWorkers(map) { map, worker in
                for _ in 0..<(Self.rounds * (worker + 1)) {
                    guard let slot = map.programLookup(le32(0), cpu: worker) else { fatalError("key vanished") }
                    slot.storeBytes(of: slot.load(as: UInt64.self) &+ 1, as: UInt64.self)
                }
            }
            let value = try #require(try map.lookup(key: le32(0)))
            #expect(map.perCPUValues(value) == [le64(UInt64(Self.rounds)), le64(UInt64(2 * Self.rounds))])
        }

        /// One worker looks up keys that never change while the other inserts and deletes other
        /// keys over the same buckets and free list. The lookups take no lock: a walk that races
        /// a change (an element unlinked under it ends its chain early) must be caught by the
        /// sequence check and walked again, so a stable key is never missed nor its value wrong.
        @Test(arguments: [MapType.hash, .lruHash])
        func lockFreeLookupsNeverMissAStableKey(type: MapType) throws {
            let set = try sharedSet(type, entries: 256)
            let map = set[0]
            let stable = UInt32(0)..<UInt32(24)
            for key in stable { #expect(map.programUpdate(le32(key), le64(UInt64(key) * 3)) == 0) }
            let missed = Atomic<Int>(0)
            onTwoWorkers(map) { map, worker in
                if worker == 0 {
                    for round in 0..<(4 * Self.rounds) {
                        let key = UInt32(round % stable.count)
                        guard let value = map.programLookup(le32(key), cpu: 0),
                              value.load(as: UInt64.self) == UInt64(key) * 3 else { missed.add(1, ordering: .relaxed); continue }
                    }
                } else {
                    for round in 0..<Self.rounds {
                        let key = 1000 + UInt32(round % 32)
                        _ = map.programUpdate(le32(key), le64(UInt64(round)), cpu: 1)
                        _ = map.programDelete(le32(1000 + UInt32((round + 16) % 32)), cpu: 1)
                    }
                }
            }
            #expect(missed.load(ordering: .relaxed) == 0)
        }

        /// Both workers reserve and submit records in one ring buffer: with the ring's lock every
        /// record comes out whole, once, and each worker's in its order. Unserialised, two
        /// reservations take the same space and records are lost or mixed.
        @Test func ringBufferReservationsOfTwoWorkersNeverOverlap() throws {
            let set = MapSet(cpuCount: 2)
            try set.add(MapSpecification(name: "rb", definition: MapDefinition(
                type: .ringbuf, keySize: 0, valueSize: 0, maxEntries: 1 << 23, name: "rb")))
            set.share(amongWorkers: 2)
            let ring = try #require(set[0] as? RingBufferMap)
            let perWorker = 200_000
            onTwoWorkers(ring) { map, worker in
                let ring = map as! RingBufferMap
                for sequence in 0..<perWorker {
                    guard let record = ring.reserve(8) else { fatalError("ring full") }
                    record.storeBytes(of: UInt64(worker) << 32 | UInt64(sequence), as: UInt64.self)
                    ring.submit(record)
                }
            }
            var next = [0, 0]
            var misordered = 0
            let count = ring.consume { bytes in
                let value = bytes.loadUnaligned(as: UInt64.self)
                let worker = Int(value >> 32), sequence = Int(value & 0xffff_ffff)
                if worker > 1 || sequence != next[worker] { misordered += 1 } else { next[worker] += 1 }
            }
            #expect(count == 2 * perWorker)
            #expect(misordered == 0)
            #expect(next == [perWorker, perWorker])
        }

        /// One worker changes nothing: the map is not locked (the single-queue path stays as fast).
        @Test func singleWorkerLeavesMapsUnlocked() throws {
            let set = MapSet(cpuCount: 2)
            try set.add(MapSpecification(name: "m", definition: MapDefinition(
                type: .hash, keySize: 4, valueSize: 8, maxEntries: 4, name: "m")))
            set.share(amongWorkers: 1)
            #expect((set[0] as? HashMap)?.isShared == false)
        }
    }
}
