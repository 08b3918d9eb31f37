import BPFVM
import Datapath
import Foundation
import Glibc
import PacketBuffer
import PacketIO
import Synchronization

// `skbpf attach`'s engine: one worker thread per queue (``LiveWorker``; a single-queue setup has
// one), and the controller on the calling thread:
//
//   poll(the signal pipe + the stop pipe a worker writes when a lost device stops the engine)
//     ├─ SIGINT/SIGTERM → stop: the workers leave their loops, are joined, counters folded
//     ├─ SIGHUP         → reload
//     └─ every --stats-interval seconds: one line of the workers' published counters
//
// A reload builds the new datapaths completely (programs verified, one datapath per worker)
// before the switch; then the workers park at a batch boundary, maps defined alike are carried
// over, each new datapath inherits its worker's counters, and the workers go on. No packet sees
// half of each pipeline, none is dropped by it, and the counters continue.

final class LiveEngine {
    let devices: [TunDevice]
    let backings: [TunBacking]
    let workers: [LiveWorker]
    let control: LiveControl
    private(set) var pipeline: LivePipeline
    /// Reloads: how to build the pipeline again.
    let reloadPipeline: () throws(CommandFailure) -> LivePipeline
    let statsInterval: Double?
    let json: Bool
    let taps: [HookPoint: PcapWriterBox]

    private(set) var reloads = 0
    private(set) var failedReloads = 0
    private(set) var started = Date()
    private(set) var stopped: Date?
    /// Packets each worker received (filled when the run ends).
    private(set) var receivedByWorker: [Int] = []
    /// The first worker's datapath, with every other worker's counters folded in once the run
    /// is over: what the summary reports.
    var datapath: Datapath { workers[0].datapath }

    /// Workers needed for `backings`: one per queue of the device with the most.
    static func workerCount(_ backings: [TunBacking]) -> Int { backings.map(\.settings.queueCount).max() ?? 1 }

    /// `attachments` are loaded for ``workerCount(_:)`` workers (``AttachmentLoader/loadAll(_:workers:)``).
    init(pipeline: LivePipeline, devices: [TunDevice], attachments: [ProgramAttachment],
         reload: @escaping () throws(CommandFailure) -> LivePipeline, statsInterval: Double?, json: Bool,
         taps: [HookPoint: PcapWriterBox]) throws(CommandFailure) {
        self.pipeline = pipeline
        self.devices = devices
        self.backings = pipeline.tunDevices
        self.reloadPipeline = reload
        self.statsInterval = statsInterval
        self.json = json
        self.taps = taps
        let control = try LiveControl()
        self.control = control
        let count = Self.workerCount(pipeline.tunDevices)
        let sinks = (0..<count).map { LiveSink(devices: devices, queue: $0) }
        let datapaths = try Self.datapaths(pipeline.configuration, attachments, count: count, sinks: sinks, taps: taps)
        workers = (0..<count).map { index in
            LiveWorker(index: index, devices: devices, backings: pipeline.tunDevices, datapath: datapaths[index],
                       sink: sinks[index], control: control)
        }
    }

    /// One datapath per worker over `attachments` (the first worker's; the others get
    /// ``ProgramAttachment/forWorker(_:)`` copies), trails off, taps installed.
    private static func datapaths(_ configuration: DatapathConfiguration, _ attachments: [ProgramAttachment], count: Int,
                                  sinks: [LiveSink], taps: [HookPoint: PcapWriterBox]) throws(CommandFailure) -> [Datapath] {
        var result: [Datapath] = []
        for index in 0..<count {
            let own = index == 0 ? attachments : attachments.map { $0.forWorker(index) }
            let datapath: Datapath
            do { datapath = try Datapath(configuration: configuration, attachments: own, sink: sinks[index]) } catch {
                throw CommandFailure.usage("\(error)")
            }
            datapath.recordsTrails = false
            if !taps.isEmpty { datapath.tap(Set(taps.keys)) { hook, skb in taps[hook]?.write(skb) } }
            result.append(datapath)
        }
        return result
    }

    var stopReason: String? { control.stopReason }
    var failedStop: Bool { control.failedStop }
    var goneDevices: Set<Int> { control.goneDevices }
    var readErrors: Int { workers.reduce(0) { $0 + $1.readErrors } }

    /// What the devices refused, per device, summed over the workers.
    var writeFailures: [LiveSink.WriteFailures] {
        devices.indices.map { d in workers.reduce(into: LiveSink.WriteFailures()) { $0.add($1.sink.failures[d]) } }
    }

    /// Runs until a stop signal, or until a device that must not go is gone; then the workers'
    /// counters are folded into ``datapath``.
    func run() {
        started = Date()
        let threads = workers.map { worker in LiveThread { worker.run() } }
        var pollSet = [pollfd(fd: LiveSignals.readEnd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: control.stopDescriptor, events: Int16(POLLIN), revents: 0)]
        var nextStats = statsInterval.map { Date().addingTimeInterval($0) }
        var lastStats = (time: Date(), received: 0)
        while !control.stopRequested {
            let timeout = nextStats.map { max(0, Int32($0.timeIntervalSinceNow * 1000)) } ?? 1000
            let ready = poll(&pollSet, nfds_t(pollSet.count), timeout)
            if ready < 0 && errno != EINTR {
                control.requestStop("poll: \(String(cString: strerror(errno)))", failed: true)
                break
            }
            if ready > 0 && pollSet[0].revents != 0 { handleSignals() }
            if let due = nextStats, Date() >= due {
                let now = Date()
                let progress = self.progress
                printInterval(progress, packets: progress.received - lastStats.received, seconds: now.timeIntervalSince(lastStats.time))
                lastStats = (now, progress.received)
                nextStats = due.addingTimeInterval(statsInterval!)
            }
        }
        for thread in threads { thread.join() }
        stopped = Date()
        receivedByWorker = workers.map(\.datapath.totals.received)
        for worker in workers.dropFirst() { workers[0].datapath.inheritStatistics(from: worker.datapath) }
        for tap in taps.values { tap.flush() }
    }

    /// The workers' counters as last published.
    var progress: LiveProgress.Snapshot { workers.map(\.progress.snapshot).reduce(LiveProgress.Snapshot(), +) }

    private func handleSignals() {
        for signal in LiveSignals.drain() {
            switch signal {
            case SIGHUP: reload()
            case SIGINT: control.requestStop("interrupted (SIGINT)", failed: false)
            case SIGTERM: control.requestStop("terminated (SIGTERM)", failed: false)
            default: break
            }
        }
    }

    /// SIGHUP: the pipeline again, verified and ready before the switch; on failure the running
    /// one stays and the reason is printed.
    func reload() {
        do {
            let next = try reloadPipeline()
            let names = { (p: LivePipeline) in zip(p.configuration.devices.map(\.name), p.tunDevices.map(\.settings)).map { "\($0.0)=\($0.1.label)" } }
            guard names(next) == names(pipeline) else {
                throw CommandFailure.usage("the devices changed (\(names(next).joined(separator: ", "))); devices are opened at start: restart skbpf to change them")
            }
            let attachments = try AttachmentLoader.loadAll(next.configuration, workers: workers.count)
            let fresh = try Self.datapaths(next.configuration, attachments, count: workers.count, sinks: workers.map(\.sink), taps: taps)
            let carried = control.withWorkersParked(workers.count) { () -> Int in
                let carried = MapCarryOver.carry(from: workers[0].datapath.attachments, to: attachments)
                for (worker, datapath) in zip(workers, fresh) {
                    datapath.inheritStatistics(from: worker.datapath)
                    worker.datapath = datapath
                }
                return carried
            }
            pipeline = next
            reloads += 1
            Self.warn("reloaded: \(attachments.count) program\(attachments.count == 1 ? "" : "s")\(carried > 0 ? ", \(carried) map\(carried == 1 ? "" : "s") kept" : "")")
        } catch {
            failedReloads += 1
            Self.warn("reload failed, the running pipeline stays: \((error as? CommandFailure)?.message ?? "\(error)")")
        }
    }

    private func printInterval(_ t: LiveProgress.Snapshot, packets: Int, seconds: Double) {
        let rate = seconds > 0 ? Double(packets) / seconds : 0
        if json {
            let line = "{\"seconds\":\(String(format: "%.3f", Date().timeIntervalSince(started))),\"received\":\(t.received),\"sent\":\(t.transmitted),\"local\":\(t.delivered),\"dropped\":\(t.dropped),\"stolen\":\(t.stolen),\"packets_per_second\":\(String(format: "%.1f", rate)),\"write_failures\":\(t.writeFailures)}"
            say(line)
        } else {
            say("attach: \(String(format: "%.1f", Date().timeIntervalSince(started))) s: received \(t.received) (\(ReplaySummary.rate(rate)) packets/s) · sent \(t.transmitted) · local \(t.delivered) · dropped \(t.dropped) · stolen \(t.stolen)"
                  + (t.writeFailures > 0 ? " · write failures \(t.writeFailures)" : ""))
        }
    }

    /// A line on standard output, unbuffered (the interval lines are read as they come).
    private func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("skbpf attach: \(text)\n".utf8))
    }
}

/// A capture tap's writer (`--tap hook=FILE.pcap`), shared by the datapaths a reload makes.
final class PcapWriterBox: @unchecked Sendable {
    /// Workers write through one writer: one packet at a time.
    private let lock = Mutex<Void>(())
    var writer: PcapWriter
    private(set) var failure: PacketIOError?
    private(set) var count = 0
    let path: String

    init(path: String) throws(CommandFailure) {
        do { writer = try PcapWriter(path: path, linkType: .raw) } catch { throw .usage("--tap: \(error)") }
        self.path = path
    }

    func write(_ skb: SkBuff) { lock.withLock { _ in writeUnlocked(skb) } }

    private func writeUnlocked(_ skb: SkBuff) {
        guard failure == nil else { return }
        let ns = skb.timestamp
        do {
            try writer.write(skb, timestamp: PcapTimestamp(seconds: Int64(ns / 1_000_000_000), nanoseconds: UInt32(ns % 1_000_000_000)))
            count += 1
        } catch {
            failure = error
        }
    }

    func flush() { lock.withLock { _ in try? writer.flush() } }
}
