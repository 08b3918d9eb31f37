import BPFVM
import Datapath
import Foundation
import Glibc
import PacketBuffer
import PacketIO

// The live loop of `skbpf attach`:
//
//   poll(every device queue + the signal pipe)
//     ├─ a queue is readable → up to `batch` packets: read into the SkBuff (no copy), virtio
//     │                        header applied, protocol from the IP version → datapath.receive
//     ├─ POLLERR / EBADFD     → the device is gone: reported; continue without it or stop
//     └─ a signal             → SIGINT/SIGTERM stop; SIGHUP reloads the pipeline
//   every --stats-interval seconds: one line of counters
//
// A reload builds the new datapath completely (programs verified, maps carried over) before
// the switch, which happens between two packets: no packet sees half of each, none is dropped
// by it, and the counters continue (the new datapath inherits the old one's).

final class LiveEngine {
    let devices: [TunDevice]
    let backings: [TunBacking]
    let sink: LiveSink
    private(set) var datapath: Datapath
    private(set) var pipeline: LivePipeline
    /// Reloads: how to build the pipeline again.
    let reloadPipeline: () throws(CommandFailure) -> LivePipeline
    let statsInterval: Double?
    let json: Bool
    let taps: [HookPoint: PcapWriterBox]
    static let batch = 64
    static let headroom = 128

    private(set) var goneDevices: Set<Int> = []
    private(set) var stopReason: String?
    private(set) var failedStop = false
    private(set) var reloads = 0
    private(set) var failedReloads = 0
    private(set) var started = Date()
    private(set) var readErrors = 0

    init(pipeline: LivePipeline, devices: [TunDevice], datapath: Datapath, sink: LiveSink,
         reload: @escaping () throws(CommandFailure) -> LivePipeline, statsInterval: Double?, json: Bool,
         taps: [HookPoint: PcapWriterBox]) {
        self.pipeline = pipeline
        self.devices = devices
        self.backings = pipeline.tunDevices
        self.datapath = datapath
        self.sink = sink
        self.reloadPipeline = reload
        self.statsInterval = statsInterval
        self.json = json
        self.taps = taps
        installTaps(on: datapath)
    }

    private func installTaps(on datapath: Datapath) {
        guard !taps.isEmpty else { return }
        let taps = self.taps
        datapath.tap(Set(taps.keys)) { hook, skb in taps[hook]?.write(skb) }
    }

    /// Runs until a stop signal, or until a device that must not go is gone.
    func run() {
        let skb = SkBuff(capacity: 65_536 + 4096, headroom: Self.headroom)
        var pollSet: [pollfd] = []
        var owners: [(device: Int, queue: Int)] = []
        func rebuildPollSet() {
            pollSet = [pollfd(fd: LiveSignals.readEnd, events: Int16(POLLIN), revents: 0)]
            owners = [(-1, -1)]
            for (d, device) in devices.enumerated() where !goneDevices.contains(d) {
                for (q, fd) in device.descriptors.enumerated() {
                    pollSet.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                    owners.append((d, q))
                }
            }
        }
        rebuildPollSet()
        started = Date()
        var nextStats = statsInterval.map { Date().addingTimeInterval($0) }
        var lastStats = (time: Date(), received: 0)

        while stopReason == nil {
            let timeout = nextStats.map { max(0, Int32($0.timeIntervalSinceNow * 1000)) } ?? 1000
            let ready = poll(&pollSet, nfds_t(pollSet.count), timeout)
            if ready < 0 && errno != EINTR {
                stopReason = "poll: \(String(cString: strerror(errno)))"
                failedStop = true
                break
            }
            if ready > 0 {
                if pollSet[0].revents != 0 { handleSignals() }
                var changed = false
                for i in 1..<pollSet.count where pollSet[i].revents != 0 {
                    let (d, q) = owners[i]
                    if goneDevices.contains(d) { continue }
                    if pollSet[i].revents & Int16(POLLIN) != 0 {
                        if !readBatch(device: d, queue: q, skb) { changed = true }
                    } else if pollSet[i].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                        deviceGone(d, why: "poll reported \(describe(pollSet[i].revents))")
                        changed = true
                    }
                }
                for d in sink.goneDevices where !goneDevices.contains(d) {
                    deviceGone(d, why: "a write failed: \(String(cString: strerror(sink.failures[d].lastErrno)))")
                    changed = true
                }
                if changed { rebuildPollSet() }
            }
            if let due = nextStats, Date() >= due {
                let now = Date()
                let received = datapath.totals.received
                printInterval(packets: received - lastStats.received, seconds: now.timeIntervalSince(lastStats.time))
                lastStats = (now, received)
                nextStats = due.addingTimeInterval(statsInterval!)
            }
        }
        for tap in taps.values { tap.flush() }
    }

    /// Reads up to `batch` packets; false when the device turned out to be gone.
    private func readBatch(device d: Int, queue: Int, _ skb: SkBuff) -> Bool {
        let tun = devices[d]
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let now = UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
        sink.queue = queue
        for _ in 0..<Self.batch {
            skb.reset(headroom: Self.headroom)
            switch tun.read(queue: queue, into: skb.tail, capacity: skb.tailroom) {
            case .done(let count):
                _ = skb.put(count)
                skb.timestamp = now
                receive(skb, on: d)
            case .wouldBlock:
                return true
            case .gone(let code):
                deviceGone(d, why: "read: \(String(cString: strerror(code)))")
                return false
            case .failed(let code):
                readErrors += 1
                if readErrors <= 5 { warn("\(tun.settings.label): read: \(String(cString: strerror(code)))") }
                return true
            }
        }
        return true
    }

    /// What a TUN device's receive path does before the stack (`tun_get_user`): the virtio
    /// header, then the protocol from the IP version nibble.
    @inline(__always)
    private func receive(_ skb: SkBuff, on d: Int) {
        if devices[d].hasVirtioHeader && !VirtioHeader.receive(into: skb) {
            datapath.reject(skb, on: d, reason: .linkHeader)
            return
        }
        skb.resetNetworkHeader()
        skb.unsetMacHeader()
        skb.packetType = .host
        let version = skb.length > 0 ? skb.data.load(as: UInt8.self) >> 4 : 0
        skb.protocolBigEndian = version == 4 ? UInt16(0x0800).bigEndian : version == 6 ? UInt16(0x86DD).bigEndian : 0
        datapath.receive(skb, on: d)
    }

    private func deviceGone(_ d: Int, why: String) {
        goneDevices.insert(d)
        let backing = backings[d]
        warn("device \(datapath.devices[d].name) (\(backing.settings.label)) is gone: \(why)"
             + (backing.onGone == .exit ? "; stopping (on_gone: exit)" : "; going on without it"))
        if backing.onGone == .exit {
            stopReason = "device \(datapath.devices[d].name) is gone"
            failedStop = true
        } else if goneDevices.count == devices.count {
            stopReason = "every device is gone"
            failedStop = true
        }
    }

    private func handleSignals() {
        for signal in LiveSignals.drain() {
            switch signal {
            case SIGHUP: reload()
            case SIGINT: stopReason = "interrupted (SIGINT)"
            case SIGTERM: stopReason = "terminated (SIGTERM)"
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
            let attachments = try AttachmentLoader.loadAll(next.configuration)
            let carried = MapCarryOver.carry(from: datapath.attachments, to: attachments)
            let fresh: Datapath
            do {
                fresh = try Datapath(configuration: next.configuration, attachments: attachments, sink: sink)
            } catch {
                throw CommandFailure.usage("\(error)")
            }
            fresh.recordsTrails = false
            fresh.inheritStatistics(from: datapath)
            installTaps(on: fresh)
            datapath = fresh
            pipeline = next
            reloads += 1
            warn("reloaded: \(attachments.count) program\(attachments.count == 1 ? "" : "s")\(carried > 0 ? ", \(carried) map\(carried == 1 ? "" : "s") kept" : "")")
        } catch {
            failedReloads += 1
            warn("reload failed, the running pipeline stays: \((error as? CommandFailure)?.message ?? "\(error)")")
        }
    }

    private func printInterval(packets: Int, seconds: Double) {
        let t = datapath.totals
        let rate = seconds > 0 ? Double(packets) / seconds : 0
        if json {
            let line = "{\"seconds\":\(String(format: "%.3f", Date().timeIntervalSince(started))),\"received\":\(t.received),\"sent\":\(t.transmitted),\"local\":\(t.delivered),\"dropped\":\(t.dropped),\"stolen\":\(t.stolen),\"packets_per_second\":\(String(format: "%.1f", rate)),\"write_failures\":\(sink.totalFailures)}"
            say(line)
        } else {
            say("attach: \(String(format: "%.1f", Date().timeIntervalSince(started))) s: received \(t.received) (\(ReplaySummary.rate(rate)) packets/s) · sent \(t.transmitted) · local \(t.delivered) · dropped \(t.dropped) · stolen \(t.stolen)"
                  + (sink.totalFailures > 0 ? " · write failures \(sink.totalFailures)" : ""))
        }
    }

    /// A line on standard output, unbuffered (the interval lines are read as they come).
    private func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    private func describe(_ events: Int16) -> String {
        var names: [String] = []
        if events & Int16(POLLERR) != 0 { names.append("POLLERR") }
        if events & Int16(POLLHUP) != 0 { names.append("POLLHUP") }
        if events & Int16(POLLNVAL) != 0 { names.append("POLLNVAL") }
        return names.joined(separator: "|")
    }

    func warn(_ text: String) {
        FileHandle.standardError.write(Data("skbpf attach: \(text)\n".utf8))
    }
}

/// A capture tap's writer (`--tap hook=FILE.pcap`), shared by the datapaths a reload makes.
final class PcapWriterBox {
    var writer: PcapWriter
    private(set) var failure: PacketIOError?
    private(set) var count = 0
    let path: String

    init(path: String) throws(CommandFailure) {
        do { writer = try PcapWriter(path: path, linkType: .raw) } catch { throw .usage("--tap: \(error)") }
        self.path = path
    }

    func write(_ skb: SkBuff) {
        guard failure == nil else { return }
        let ns = skb.timestamp
        do {
            try writer.write(skb, timestamp: PcapTimestamp(seconds: Int64(ns / 1_000_000_000), nanoseconds: UInt32(ns % 1_000_000_000)))
            count += 1
        } catch {
            failure = error
        }
    }

    func flush() { try? writer.flush() }
}
