extension MapSet {
    /// Prepares the set for `workerCount` threads running programs at once (one per TUN queue):
    /// each uses its worker index as the CPU of per-CPU maps, and hash/LRU maps lock their
    /// operations when there is more than one. Call before the workers start; a single worker
    /// changes nothing, so the single-threaded path stays lock-free.
    /// - Precondition: `workerCount <= cpuCount` (a worker needs a per-CPU slot of its own).
    public func share(amongWorkers workerCount: Int) {
        precondition(workerCount <= cpuCount, "more workers than the map set has CPUs")
        guard workerCount > 1 else { return }
        for map in maps { (map as? HashMap)?.markShared() }
    }
}
