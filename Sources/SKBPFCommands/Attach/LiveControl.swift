import Foundation
import Glibc
import Synchronization

// What the engine's controller (the main thread: signals, interval lines, reloads) and its
// workers (one thread per queue) share. The per-packet path reads two flags a batch and takes
// no lock; everything else here happens between batches:
//
//   stop     the controller (a signal) or a worker (a device gone with on_gone: exit) sets the
//            flag and writes the wake pipe, which nobody drains: every poll returns from then on
//   park     a reload: the controller asks, writes the wake pipe, and waits until every running
//            worker has parked at a batch boundary; it swaps their datapaths, drains the pipe
//            and lets them go (no packet sees half of each pipeline, none is lost)
//   gone     a worker that finds a device gone reports it once for all; the others drop it
//            from their poll sets when the generation changes (their own queue of the device
//            reports POLLERR to them too)

final class LiveControl: @unchecked Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let parkFlag = Atomic<Bool>(false)
    private let goneCounter = Atomic<Int>(0)
    private let wakePipe: (read: Int32, write: Int32)
    /// Written once, at the stop: the controller's poll wakes when a worker stops the engine.
    private let stopPipe: (read: Int32, write: Int32)
    private let condition = NSCondition()
    // Under `condition`:
    private var parked = 0
    private var finished = 0
    private var resumes = 0
    private var gone: Set<Int> = []
    private var reason: String?
    private var failed = false

    init() throws(CommandFailure) {
        let wake = try Self.makePipe("the workers' wake pipe")
        do { stopPipe = try Self.makePipe("the controller's stop pipe") } catch {
            close(wake.read)
            close(wake.write)
            throw error
        }
        wakePipe = wake
    }

    /// A non-blocking, close-on-exec pipe.
    private static func makePipe(_ what: String) throws(CommandFailure) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .rejected("attach: cannot make \(what): \(String(cString: strerror(errno)))") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        return (ends[0], ends[1])
    }

    deinit {
        for fd in [wakePipe.read, wakePipe.write, stopPipe.read, stopPipe.write] { close(fd) }
    }

    /// In the controller's poll set: readable once the engine is stopping.
    var stopDescriptor: Int32 { stopPipe.read }

    /// In every worker's poll set (and the controller's): readable when a worker must look up.
    var wakeDescriptor: Int32 { wakePipe.read }

    private func poke(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)  // a full pipe is readable already
    }

    // MARK: Stop

    var stopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    /// Asks everyone to stop; the first reason given is the one reported.
    func requestStop(_ why: String, failed: Bool) {
        condition.lock()
        if reason == nil {
            reason = why
            self.failed = failed
        }
        condition.unlock()
        stopFlag.store(true, ordering: .releasing)
        poke(wakePipe.write)
        poke(stopPipe.write)
    }

    var stopReason: String? { condition.withLock { reason } }
    var failedStop: Bool { condition.withLock { failed } }

    // MARK: Gone devices

    /// Changes whenever a device is found gone.
    var goneGeneration: Int { goneCounter.load(ordering: .acquiring) }
    var goneDevices: Set<Int> { condition.withLock { gone } }

    /// Records device `index` gone; true for the first report (the caller says why and decides
    /// whether to stop).
    func reportGone(_ index: Int) -> Bool {
        condition.lock()
        let first = gone.insert(index).inserted
        condition.unlock()
        // No wake-up: each worker's own queue of the device reports POLLERR to it.
        if first { goneCounter.wrappingAdd(1, ordering: .releasing) }
        return first
    }

    // MARK: Parking (worker side)

    /// Parks the calling worker if the controller asked, until it lets the workers go.
    @inline(__always)
    func parkIfAsked() {
        guard parkFlag.load(ordering: .acquiring) else { return }
        condition.lock()
        parked += 1
        condition.broadcast()
        let resume = resumes
        while resumes == resume { condition.wait() }
        condition.unlock()
    }

    /// The calling worker has left its loop for good.
    func workerFinished() {
        condition.lock()
        finished += 1
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Parking (controller side)

    /// Stops every worker at a batch boundary; returns once all `workerCount` are parked or
    /// finished. `body` runs while they are, then they go on.
    func withWorkersParked<R>(_ workerCount: Int, _ body: () throws -> R) rethrows -> R {
        parkFlag.store(true, ordering: .releasing)
        poke(wakePipe.write)
        condition.lock()
        while parked + finished < workerCount { condition.wait() }
        condition.unlock()
        defer {
            var scratch = [UInt8](repeating: 0, count: 64)
            if !stopRequested { while read(wakePipe.read, &scratch, scratch.count) > 0 {} }
            parkFlag.store(false, ordering: .releasing)
            condition.lock()
            parked = 0
            resumes += 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
