import Synchronization

// Hash and LRU maps shared by several datapath workers (one thread per TUN queue) change their
// buckets, free stacks and LRU lists on update and delete, and LRU lookups may be racing a
// rotation. Once a map is shared:
//
//   update, delete, user-space paths   under the map's lock, with `sequence` made odd for the
//                                      time of the change (a sequence lock's writer side)
//   program lookups                    no lock (the kernel's are RCU readers): walk the chain,
//                                      and keep the answer only if `sequence` was even and did
//                                      not move meanwhile; else walk again, and after a few
//                                      tries take the lock
//
// A walk that races a writer reads only preallocated, never-freed memory, and is bounded by the
// element count (``find(_:hash:)``), so a half-changed chain can make it wrong (then retried) but never unsafe. The
// value pointer it returns outlives the check, as the kernel's outlives its RCU section: if the
// element is deleted and reused meanwhile, the program sees the new key's value, as with the
// kernel's preallocated maps. The reference bit an LRU lookup sets is a single racing byte, as
// in the kernel. The kernel locks per bucket; one lock per map is simpler and, with two or three
// workers, rarely contended. Arrays need none: their slots never move, and values race exactly as
// in the kernel (programs use atomics). The JIT's direct `bpf_map_lookup_elem` call lands in
// `lookup(_:cpu:)` and so takes the same path.

extension HashMap {
    /// `body` under the map's lock, as a writer of the sequence lock, when several workers share
    /// the map; directly otherwise.
    @inline(__always)
    func locked<R>(_ body: () -> R) -> R {
        // A plain read: `isShared` is written once before the workers start (thread creation
        // orders it before their first read).
        guard state.pointee.isShared else { return body() }
        return lock.withLock { _ in
            // Odd before any change is made (a full barrier), even again after all of them.
            sequence.wrappingAdd(1, ordering: .sequentiallyConsistent)
            defer { sequence.wrappingAdd(1, ordering: .releasing) }
            return body()
        }
    }

    /// A program's lookup in a shared map: lock-free, validated by the sequence lock.
    func sharedLookup(_ key: UnsafeRawPointer, cpu: Int) -> UnsafeMutableRawPointer? {
        let hash = hashOf(key)
        for _ in 0..<4 {
            let before = sequence.load(ordering: .acquiring)
            if before & 1 != 0 { continue }
            let e = find(key, hash: hash)
            atomicMemoryFence(ordering: .acquiring)
            guard sequence.load(ordering: .relaxed) == before else { continue }
            guard e >= 0 else { return nil }
            if isLRU { lru.nodes[Int(e)].ref = 1 }
            return valueAddress(e, cpu: cpu)
        }
        return locked { lookupUnlocked(key, cpu: cpu) }
    }

    /// Marks the map shared by several threads: from now on changes take its lock and lookups
    /// are validated. Call before the threads start.
    func markShared() { state.pointee.isShared = true }

    /// True once ``markShared()`` was called.
    public var isShared: Bool { state.pointee.isShared }
}
