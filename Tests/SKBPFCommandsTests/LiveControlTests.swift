import Foundation
import Synchronization
import Testing

@testable import SKBPFCommands

/// The hand-over between `skbpf attach`'s controller and its workers: a reload runs while every
/// worker is parked between two batches, and a stop reaches every worker.
@Suite struct LiveControlTests {
    /// What each fake worker does: "batches" that must never overlap a reload's body.
    final class Worker: @unchecked Sendable {
        let inBatch = Atomic<Bool>(false)
        let batches = Atomic<Int>(0)
        /// The "datapath" generation, swapped only while parked.
        var generation = 0
        var sawGeneration = 0
    }

    func startWorkers(_ control: LiveControl, _ workers: [Worker]) -> DispatchGroup {
        let done = DispatchGroup()
        for worker in workers {
            done.enter()
            Thread {
                while !control.stopRequested {
                    control.parkIfAsked()
                    worker.inBatch.store(true, ordering: .sequentiallyConsistent)
                    worker.sawGeneration = max(worker.sawGeneration, worker.generation)
                    for _ in 0..<200 { worker.batches.wrappingAdd(1, ordering: .relaxed) }
                    worker.inBatch.store(false, ordering: .sequentiallyConsistent)
                }
                control.workerFinished()
                done.leave()
            }.start()
        }
        return done
    }

    @Test func reloadsRunWithEveryWorkerParkedAndStopReachesAll() throws {
        let control = try LiveControl()
        let workers = [Worker(), Worker(), Worker()]
        let done = startWorkers(control, workers)
        var overlaps = 0
        for round in 1...200 {
            control.withWorkersParked(workers.count) {
                for worker in workers where worker.inBatch.load(ordering: .sequentiallyConsistent) { overlaps += 1 }
                for worker in workers { worker.generation = round }
            }
        }
        // The workers go on after every reload and see the last datapath.
        let before = workers.map { $0.batches.load(ordering: .relaxed) }
        while zip(workers, before).contains(where: { $0.0.batches.load(ordering: .relaxed) == $0.1 }) { usleep(100) }
        control.requestStop("test", failed: false)
        done.wait()
        #expect(overlaps == 0)
        #expect(workers.map(\.sawGeneration) == [200, 200, 200])
        #expect(control.stopReason == "test")
        #expect(control.failedStop == false)
    }

    /// A worker that has finished (its device is gone, or it stopped) does not hold a reload up.
    @Test func finishedWorkersDoNotBlockAReload() throws {
        let control = try LiveControl()
        control.workerFinished()
        var ran = false
        control.withWorkersParked(1) { ran = true }
        #expect(ran)
    }

    /// The first stop reason wins; a gone device is reported once.
    @Test func firstStopReasonAndGoneReports() throws {
        let control = try LiveControl()
        let generation = control.goneGeneration
        #expect(control.reportGone(1))
        #expect(!control.reportGone(1))
        #expect(control.goneGeneration != generation)
        #expect(control.goneDevices == [1])
        control.requestStop("device tunB is gone", failed: true)
        control.requestStop("interrupted (SIGINT)", failed: false)
        #expect(control.stopReason == "device tunB is gone")
        #expect(control.failedStop)
        #expect(control.stopRequested)
        var pollSet = [pollfd(fd: control.stopDescriptor, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: control.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&pollSet, 2, 0) == 2)
    }
}
