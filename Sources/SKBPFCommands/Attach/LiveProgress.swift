import Datapath
import Synchronization

/// A worker's running counters, published once per poll round with relaxed stores so the
/// controller's interval lines can read them while the worker runs.
final class LiveProgress: Sendable {
    private let received = Atomic<Int>(0)
    private let transmitted = Atomic<Int>(0)
    private let delivered = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let stolen = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)

    struct Snapshot {
        var received = 0, transmitted = 0, delivered = 0, dropped = 0, stolen = 0, writeFailures = 0

        static func + (a: Snapshot, b: Snapshot) -> Snapshot {
            Snapshot(received: a.received + b.received, transmitted: a.transmitted + b.transmitted,
                     delivered: a.delivered + b.delivered, dropped: a.dropped + b.dropped, stolen: a.stolen + b.stolen,
                     writeFailures: a.writeFailures + b.writeFailures)
        }
    }

    func publish(_ totals: DatapathTotals, writeFailures: Int) {
        received.store(totals.received, ordering: .relaxed)
        transmitted.store(totals.transmitted, ordering: .relaxed)
        delivered.store(totals.delivered, ordering: .relaxed)
        dropped.store(totals.dropped, ordering: .relaxed)
        stolen.store(totals.stolen, ordering: .relaxed)
        failures.store(writeFailures, ordering: .relaxed)
    }

    var snapshot: Snapshot {
        Snapshot(received: received.load(ordering: .relaxed), transmitted: transmitted.load(ordering: .relaxed),
                 delivered: delivered.load(ordering: .relaxed), dropped: dropped.load(ordering: .relaxed),
                 stolen: stolen.load(ordering: .relaxed), writeFailures: failures.load(ordering: .relaxed))
    }
}
