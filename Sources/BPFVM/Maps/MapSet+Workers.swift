extension MapSet {
    /// Prepares the set for `workerCount` threads running programs at once (one per TUN queue):
    /// each uses its worker index as the CPU of per-CPU maps, and when there is more than one,
    /// hash/LRU maps lock their changes (lookups stay lock-free) and ring buffers their
    /// reservations. Arrays need no lock (slots never move;
    /// programs use atomics, which are atomic here too); perf event slots are each written by the
    /// one worker whose CPU they are bound to. Call before the workers start; a single worker
    /// changes nothing, so the single-threaded path stays lock-free.
    /// - Precondition: `workerCount <= cpuCount` when the set holds maps (a worker needs a
    ///   per-CPU slot of its own).
    public func share(amongWorkers workerCount: Int) {
        guard workerCount > 1 else { return }
        precondition(count == 0 || workerCount <= cpuCount, "more workers than the map set has CPUs")
        for map in maps {
            (map as? HashMap)?.markShared()
            (map as? RingBufferMap)?.markShared()
        }
    }
}
