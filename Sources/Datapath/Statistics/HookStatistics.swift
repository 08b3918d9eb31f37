/// What happened at one hook point: packets that reached it and what its programs decided.
/// A packet reaching a hook with no program counts as passed.
public struct HookStatistics: Sendable, Hashable {
    public var packets = 0
    public var bytes = 0
    public var passed = 0
    public var dropped = 0
    public var redirected = 0
    public var stolen = 0

    public init() {}
}

/// One attached program's runs and decisions.
public struct ProgramStatistics: Sendable, Hashable {
    public var runs = 0
    /// Packet bytes the runs were given.
    public var bytes = 0
    public var passed = 0
    public var dropped = 0
    public var redirected = 0
    public var stolen = 0
    /// Socket filters: runs that cut the packet short.
    public var trimmed = 0
    /// Runs that stopped with a fault (unverified programs only).
    public var faults = 0
    /// Instructions executed over all runs.
    public var instructions = 0
    /// Runs whose time was measured, and their total time: every ``Datapath/timingInterval``-th
    /// run is timed, so that reading the clock (~20 ns) does not double a short program's cost.
    public var timedRuns = 0
    public var timedNanoseconds = 0

    public init() {}

    /// Mean run time of the timed runs, in nanoseconds (0 before the first).
    public var nanosecondsPerRun: Double { timedRuns == 0 ? 0 : Double(timedNanoseconds) / Double(timedRuns) }
    /// Estimated total run time: the mean of the timed runs over all runs.
    public var estimatedNanoseconds: Int { Int(nanosecondsPerRun * Double(runs)) }
}

/// A device's traffic, as `ip -s link` counts it.
public struct DeviceStatistics: Sendable, Hashable {
    public var rxPackets = 0
    public var rxBytes = 0
    /// Packets that arrived here and were dropped before leaving the device's ingress path.
    public var rxDropped = 0
    public var txPackets = 0
    public var txBytes = 0
    /// Packets routed or redirected here that could not be sent (MTU, egress program, link type).
    public var txDropped = 0

    public init() {}
}

/// A local socket's receive side: `sk_drops` and what its queue took.
public struct SocketStatistics: Sendable, Hashable {
    public var received = 0
    public var receivedBytes = 0
    /// Refused by the socket's filter.
    public var filtered = 0
    /// Receive buffer overflows (`sk_drops`).
    public var dropped = 0
    /// Bytes (true size) queued now.
    public var queuedBytes = 0
    /// Datagrams the socket sent (echo replies).
    public var sent = 0

    public init() {}
}

/// How the datapath's packets ended. Input packets each end in exactly one terminal state, so
/// `transmitted + delivered + dropped + stolen == received`; packets the datapath made itself
/// (clones, echo replies) are counted apart, in ``generated`` and their own outcomes.
public struct DatapathTotals: Sendable, Hashable {
    /// Packets handed to ``Datapath/receive(_:on:trail:)``.
    public var received = 0
    public var transmitted = 0
    public var delivered = 0
    public var dropped = 0
    public var stolen = 0
    /// Drops by ``DropReason`` (raw value as index), input packets only.
    public var dropsByReason = [Int](repeating: 0, count: DropReason.allCases.count)
    /// Packets the datapath made: `bpf_clone_redirect` copies and socket replies.
    public var generated = 0
    public var generatedTransmitted = 0
    public var generatedDelivered = 0
    public var generatedDropped = 0
    public var generatedStolen = 0
    /// Clones that could not be made (no free buffer): the helper returned -ENOMEM.
    public var clonesRefused = 0
    /// Redirects done, all packets.
    public var redirects = 0

    public init() {}

    /// Whether every input packet is accounted for.
    public var addsUp: Bool { transmitted + delivered + dropped + stolen == received }
}

// Adding counters up (a reloaded datapath continues its predecessor's).
extension HookStatistics {
    mutating func add(_ o: Self) {
        packets += o.packets; bytes += o.bytes; passed += o.passed; dropped += o.dropped
        redirected += o.redirected; stolen += o.stolen
    }
}

extension ProgramStatistics {
    mutating func add(_ o: Self) {
        runs += o.runs; bytes += o.bytes; passed += o.passed; dropped += o.dropped; redirected += o.redirected
        stolen += o.stolen; trimmed += o.trimmed; faults += o.faults; instructions += o.instructions
        timedRuns += o.timedRuns; timedNanoseconds += o.timedNanoseconds
    }
}

extension DeviceStatistics {
    mutating func add(_ o: Self) {
        rxPackets += o.rxPackets; rxBytes += o.rxBytes; rxDropped += o.rxDropped
        txPackets += o.txPackets; txBytes += o.txBytes; txDropped += o.txDropped
    }
}

extension SocketStatistics {
    mutating func add(_ o: Self) {
        received += o.received; receivedBytes += o.receivedBytes; filtered += o.filtered; dropped += o.dropped
        queuedBytes += o.queuedBytes; sent += o.sent
    }
}

extension DatapathTotals {
    mutating func add(_ o: Self) {
        received += o.received; transmitted += o.transmitted; delivered += o.delivered; dropped += o.dropped
        stolen += o.stolen
        for i in dropsByReason.indices { dropsByReason[i] += o.dropsByReason[i] }
        generated += o.generated; generatedTransmitted += o.generatedTransmitted; generatedDelivered += o.generatedDelivered
        generatedDropped += o.generatedDropped; generatedStolen += o.generatedStolen
        clonesRefused += o.clonesRefused; redirects += o.redirects
    }
}
