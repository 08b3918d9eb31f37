import Datapath
import PacketBuffer
import PacketIO

/// Where the live datapath's packets go: a transmitted packet is written to its device's TUN
/// (with a virtio header on offload devices), on the queue of its worker (the worker's index mod
/// the device's queue count). One sink per worker. A write
/// that fails is counted per device, by kind, so that no packet is lost without a count:
/// the datapath counted it sent; these say the device did not take it.
final class LiveSink: PacketSink {
    struct WriteFailures: Sendable {
        /// The device's queue was full (EAGAIN/ENOBUFS).
        var queueFull = 0
        /// The device is gone.
        var gone = 0
        /// Any other error (EINVAL for a packet the device refuses, EIO…).
        var failed = 0
        var lastErrno: Int32 = 0

        var total: Int { queueFull + gone + failed }

        mutating func add(_ other: WriteFailures) {
            queueFull += other.queueFull
            gone += other.gone
            failed += other.failed
            if other.lastErrno != 0 { lastErrno = other.lastErrno }
        }
    }

    let devices: [TunDevice]
    private(set) var failures: [WriteFailures]
    /// Devices found gone while writing (the engine stops using them).
    /// Read for every packet: unchecked (a sink is one worker's alone), so the read pays no
    /// dynamic exclusivity check.
    @exclusivity(unchecked) private(set) var goneDevices: Set<Int> = []
    /// The worker's queue index.
    let queue: Int
    private let header = UnsafeMutableRawPointer.allocate(byteCount: VirtioHeader.byteCount, alignment: 8)

    init(devices: [TunDevice], queue: Int) {
        self.devices = devices
        self.queue = queue
        failures = Array(repeating: WriteFailures(), count: devices.count)
    }

    deinit { header.deallocate() }

    func transmit(_ skb: SkBuff, device: Int) {
        let tun = devices[device]
        if !goneDevices.isEmpty && goneDevices.contains(device) {
            failures[device].gone += 1
            return
        }
        var headerPointer: UnsafeRawPointer? = nil
        if tun.hasVirtioHeader {
            VirtioHeader.transmit(skb, into: header)
            headerPointer = UnsafeRawPointer(header)
        }
        switch tun.write(queue: queue % tun.descriptors.count, header: headerPointer, skb.data, count: skb.length) {
        case .done: return
        case .wouldBlock: failures[device].queueFull += 1
        case .gone(let code):
            failures[device].gone += 1
            failures[device].lastErrno = code
            goneDevices.insert(device)
        case .failed(let code):
            failures[device].failed += 1
            failures[device].lastErrno = code
        }
    }

    func deliver(_ skb: SkBuff, socket: Int?) {}

    func drop(_ skb: SkBuff, reason: DropReason, hook: HookPoint?, atLinkHeader: Bool) {}

    var totalFailures: Int { failures.reduce(0) { $0 + $1.total } }
}
