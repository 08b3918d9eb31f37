import Datapath
import Foundation
import Glibc
import PacketBuffer
import PacketIO

// One worker of `skbpf attach`: a thread serving queue `index` of every device that has that
// many queues (IFF_MULTI_QUEUE), with its own packet buffer, datapath (counters, scratch space,
// interpreters whose CPU is `index`) and sink (which writes to queue `index` mod the device's
// queue count). Nothing on its per-packet path is shared with another worker but the maps.
//
//   poll(its queues + the wake pipe)
//     ├─ a queue is readable → up to `batch` packets: read into the SkBuff (no copy), virtio
//     │                        header applied, protocol from the IP version → datapath.receive
//     ├─ POLLERR / EBADFD     → the device is gone: reported once (LiveControl)
//     └─ the wake pipe        → stop, park for a reload, or another worker found a device gone
//   after each round: counters published for the controller's interval lines

final class LiveWorker: @unchecked Sendable {
    let index: Int
    let devices: [TunDevice]
    let backings: [TunBacking]
    let sink: LiveSink
    let control: LiveControl
    /// Replaced by the controller only while this worker is parked (a reload).
    var datapath: Datapath
    /// What the interval lines read while the worker runs.
    let progress = LiveProgress()
    private(set) var readErrors = 0

    static let batch = 64
    static let headroom = 128
    private let skb = SkBuff(capacity: 65_536 + 4096, headroom: LiveWorker.headroom)

    init(index: Int, devices: [TunDevice], backings: [TunBacking], datapath: Datapath, sink: LiveSink, control: LiveControl) {
        self.index = index
        self.devices = devices
        self.backings = backings
        self.datapath = datapath
        self.sink = sink
        self.control = control
    }

    /// Devices this worker reads: those with a queue `index`.
    var servedDevices: [Int] { devices.indices.filter { devices[$0].descriptors.count > index } }

    /// The loop, until the controller or a worker asks to stop.
    func run() {
        var pollSet: [pollfd] = []
        var owners: [Int] = []
        var goneSeen = -1
        func rebuildPollSet() {
            goneSeen = control.goneGeneration
            let gone = control.goneDevices
            pollSet = [pollfd(fd: control.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
            owners = [-1]
            for d in servedDevices where !gone.contains(d) {
                pollSet.append(pollfd(fd: devices[d].descriptors[index], events: Int16(POLLIN), revents: 0))
                owners.append(d)
            }
        }
        rebuildPollSet()
        var goneReported = Set<Int>()

        while !control.stopRequested {
            let ready = poll(&pollSet, nfds_t(pollSet.count), 1000)
            if ready < 0 && errno != EINTR {
                control.requestStop("poll: \(String(cString: strerror(errno)))", failed: true)
                break
            }
            control.parkIfAsked()
            if control.stopRequested { break }
            if ready > 0 {
                for i in 1..<pollSet.count where pollSet[i].revents != 0 {
                    let d = owners[i]
                    if pollSet[i].revents & Int16(POLLIN) != 0 {
                        readBatch(device: d)
                    } else if pollSet[i].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                        deviceGone(d, why: "poll reported \(Self.describe(pollSet[i].revents))")
                    }
                }
                for d in sink.goneDevices where !goneReported.contains(d) {
                    goneReported.insert(d)
                    deviceGone(d, why: "a write failed: \(String(cString: strerror(sink.failures[d].lastErrno)))")
                }
            }
            progress.publish(datapath.totals, writeFailures: sink.totalFailures)
            if control.goneGeneration != goneSeen { rebuildPollSet() }
        }
        progress.publish(datapath.totals, writeFailures: sink.totalFailures)
        control.workerFinished()
    }

    /// Reads up to `batch` packets from this worker's queue of device `d`.
    private func readBatch(device d: Int) {
        let tun = devices[d]
        let datapath = self.datapath
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let now = UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
        for _ in 0..<Self.batch {
            skb.reset(headroom: Self.headroom)
            switch tun.read(queue: index, into: skb.tail, capacity: skb.tailroom) {
            case .done(let count):
                _ = skb.put(count)
                skb.timestamp = now
                receive(skb, on: d, datapath)
            case .wouldBlock:
                return
            case .gone(let code):
                deviceGone(d, why: "read: \(String(cString: strerror(code)))")
                return
            case .failed(let code):
                readErrors += 1
                if readErrors <= 5 { LiveEngine.warn("\(tun.settings.label) queue \(index): read: \(String(cString: strerror(code)))") }
                return
            }
        }
    }

    /// What a TUN device's receive path does before the stack (`tun_get_user`): the virtio
    /// header, then the protocol from the IP version nibble.
    @inline(__always)
    private func receive(_ skb: SkBuff, on d: Int, _ datapath: Datapath) {
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

    /// Reports device `d` gone (the first worker to find it says so) and stops the engine when
    /// the device's `on_gone` says so or no device is left.
    private func deviceGone(_ d: Int, why: String) {
        guard control.reportGone(d) else { return }
        let backing = backings[d]
        let name = datapath.devices[d].name
        LiveEngine.warn("device \(name) (\(backing.settings.label)) is gone: \(why)"
                        + (backing.onGone == .exit ? "; stopping (on_gone: exit)" : "; going on without it"))
        if backing.onGone == .exit {
            control.requestStop("device \(name) is gone", failed: true)
        } else if control.goneDevices.count == devices.count {
            control.requestStop("every device is gone", failed: true)
        }
    }

    static func describe(_ events: Int16) -> String {
        var names: [String] = []
        if events & Int16(POLLERR) != 0 { names.append("POLLERR") }
        if events & Int16(POLLHUP) != 0 { names.append("POLLHUP") }
        if events & Int16(POLLNVAL) != 0 { names.append("POLLNVAL") }
        return names.joined(separator: "|")
    }
}
