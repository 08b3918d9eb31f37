import BPFVM
import Foundation

/// Times repeated runs. Runs are timed in up to 101 batches and the median batch's
/// per-run time is reported, so that the clock's own cost (~20 ns) does not swamp
/// programs that run in a few nanoseconds.
struct RunTimer {
    var lastResult: RunResult
    var nanosecondsPerRun: Double

    static func measure(repeat count: Int, _ body: () throws(Trap) -> RunResult) throws(Trap) -> RunTimer {
        precondition(count >= 1, "callers validate --repeat")
        let batches = min(count, 101)
        var perRun = [Double]()
        perRun.reserveCapacity(batches)
        var last: RunResult?
        for batch in 0..<batches {
            let size = count / batches + (batch < count % batches ? 1 : 0)
            let start = now()
            for _ in 0..<size { last = try body() }
            perRun.append(Double(now() - start) / Double(size))
        }
        perRun.sort()
        return RunTimer(lastResult: last!, nanosecondsPerRun: perRun[perRun.count / 2])
    }

    private static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
