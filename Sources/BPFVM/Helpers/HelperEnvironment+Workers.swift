// One environment per datapath worker (one thread per TUN queue): the worker's index as the CPU
// (per-CPU map slots, `bpf_get_smp_processor_id`), its own random state and clone buffer, and
// the same map set and tail-call targets as the environment it is made from, so that prog array
// slots (program ids) mean the same program on every worker.

extension HelperEnvironment {
    /// An environment for worker `cpu` over the same maps, tail-call targets (same ids) and sinks.
    ///
    /// An environment without maps (classic programs, expressions) gets an empty set wide enough
    /// for `cpu`, as the set only bounds the CPU index then.
    /// - Precondition: `cpu` is below the map set's CPU count when the set holds maps (create the
    ///   set with a CPU count of at least the number of workers).
    public func forWorker(_ cpu: Int) -> HelperEnvironment {
        let workerMaps = cpu < maps.cpuCount || maps.count > 0 ? maps : MapSet(cpuCount: cpu + 1)
        let copy = HelperEnvironment(maps: workerMaps, cpu: cpu, cloneCapacity: cloneBuffer.capacity)
        copy.traceSink = traceSink
        copy.device = device
        copy.cloneSink = cloneSink
        for target in tailCallTargets {
            // Same kind as every target already registered here: cannot fail.
            _ = try? copy.registerTailCallTarget(target.program)
        }
        return copy
    }
}
