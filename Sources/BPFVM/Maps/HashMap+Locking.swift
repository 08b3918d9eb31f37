import Synchronization

// Hash and LRU maps shared by several datapath workers (one thread per TUN queue) change their
// buckets, free stacks and LRU lists on update and delete, and LRU lookups set reference bits
// and may be racing a rotation: every operation, helper path and user-space path alike, runs
// under the map's lock once the map is shared. The kernel uses per-bucket raw spin locks and RCU;
// one futex-backed mutex per map is simpler and, with two or three workers, rarely contended.
// Arrays need none: their slots never move, and values race exactly as in the kernel (programs
// use atomics). The JIT's direct `bpf_map_lookup_elem` call lands in `lookup(_:cpu:)` and so
// takes the same lock.

extension HashMap {
    /// `body` under the map's lock when several workers share the map, directly otherwise.
    @inline(__always)
    func locked<R>(_ body: () -> R) -> R {
        // A plain read: `isShared` is written once before the workers start (thread creation
        // orders it before their first read).
        guard state.pointee.isShared else { return body() }
        return lock.withLock { _ in body() }
    }

    /// Marks the map shared by several threads: from now on every operation takes its lock.
    /// Call before the threads start.
    func markShared() { state.pointee.isShared = true }

    /// True once ``markShared()`` was called.
    public var isShared: Bool { state.pointee.isShared }
}
