public import BPFVM
public import PacketBuffer
import BPFABI
import Glibc

// The engine: one packet at a time through the hooks, routing and sockets of a configuration,
// each ending in one ``PacketFate`` reported to a ``PacketSink``.
//
//   receive ─► ingress(dev) ─► [untag, pull L2] ─► ip checks ─► prerouting ─► route ─┬─► input ─► socket
//                                                                                   └─► forward ─► postrouting ─► [push L2] ─► egress(dev) ─► sink
//   redirect: back into ingress(dev') or egress(dev');  clone: queued, run after the packet
//
// One datapath per worker: it owns its counters and scratch space and is not thread-safe.
// Counters live in raw memory so the per-packet path pays no exclusivity or uniqueness checks.

/// A configured network of devices, routes, sockets and attached programs that packets are
/// pushed through. Per-packet processing allocates nothing.
public final class Datapath {
    /// Redirects one packet may take before it is dropped as a loop (the kernel's
    /// `XMIT_RECURSION_LIMIT` is 8 too).
    public static let redirectLimit = 8
    /// Every this many runs of a program is timed (a power of two).
    public static let timingInterval = 16
    /// ifindex of the first device; 1 is the loopback device in Linux, and programs that
    /// hard-code ifindexes expect real devices after it.
    public static let firstIfindex: UInt32 = 2

    public let configuration: DatapathConfiguration
    public let devices: [DeviceConfiguration]
    public let sockets: [SocketConfiguration]
    /// The programs in configuration order (the order statistics use).
    public let attachments: [ProgramAttachment]
    public let sink: any PacketSink
    let routes: RouteTable

    /// Attachment indices in run order, per device (ingress, egress), per hook, per socket.
    let ingressPrograms: ProgramLists
    let egressPrograms: ProgramLists
    let hookPrograms: ProgramLists
    let socketPrograms: ProgramLists
    let deviceFacts: UnsafeMutablePointer<DeviceFacts>
    let attachmentFacts: UnsafeMutablePointer<AttachmentFacts>

    let hookCounters: UnsafeMutablePointer<HookStatistics>
    let programCounters: UnsafeMutablePointer<ProgramStatistics>
    let deviceCounters: UnsafeMutablePointer<DeviceStatistics>
    let socketCounters: UnsafeMutablePointer<SocketStatistics>
    let totalCounters: UnsafeMutablePointer<DatapathTotals>
    let trailStorage: UnsafeMutablePointer<TrailRecorder>
    /// The packet being processed, behind a pointer: a class `var` read or written on the
    /// per-packet path pays a dynamic exclusivity check (~2.5% of a replay), a pointee does not.
    let current: UnsafeMutablePointer<PacketState>
    /// Whether trails are kept at all. Set between packets only, and read at the start of each:
    /// unchecked, so that read pays no dynamic exclusivity check (~57 instructions a packet).
    @exclusivity(unchecked) public var recordsTrails = true
    /// Receives what passes a tapped hook (``tap(_:_:)``).
    var tapHandler: ((HookPoint, SkBuff) -> Void)?

    /// Copy of a packet before a writing program runs, to tell whether it rewrote it.
    let snapshot: UnsafeMutableRawPointer
    static let snapshotCapacity = 65_536 + 512
    /// Buffers for clones and replies; clones wait here until the current packet is done.
    let generatedPool: SkBuffPool
    /// Read for every packet (is it empty?): unchecked, as a datapath is one worker's alone, so
    /// the read pays no dynamic exclusivity check.
    @exclusivity(unchecked) var pendingClones: [(skb: SkBuff, device: Int, isIngress: Bool)] = []

    /// Builds a datapath. `attachments` are loaded programs whose specifications name hooks,
    /// devices and sockets of `configuration`.
    /// - Throws: ``ConfigurationError`` for an invalid configuration or an attachment naming
    ///   nothing.
    public init(configuration: DatapathConfiguration, attachments: [ProgramAttachment], sink: any PacketSink,
                generatedBufferCount: Int = 64) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        let devices = configuration.devices
        let sockets = configuration.sockets
        self.devices = devices
        self.sockets = sockets
        self.attachments = attachments
        self.sink = sink
        var routes = RouteTable()
        func deviceIndex(_ name: String) -> Int { configuration.devices.firstIndex { $0.name == name }! }
        for (index, device) in configuration.devices.enumerated() {
            for address in device.addresses { routes.addLocal(address, device: index) }
        }
        for route in configuration.routes { routes.add(prefix: route.prefix, device: deviceIndex(route.device), table: route.table) }
        for rule in configuration.rules { routes.addRule(mark: rule.mark, mask: rule.mask, table: rule.table, priority: rule.priority) }
        self.routes = routes

        // Priority order; equal priorities keep the order given (a stable sort).
        let ordered = attachments.indices.sorted {
            (attachments[$0].specification.priority, $0) < (attachments[$1].specification.priority, $1)
        }
        var ingress = [[Int]](repeating: [], count: devices.count)
        var egress = ingress
        var hooks = [[Int]](repeating: [], count: HookPoint.allCases.count)
        var socketLists = [[Int]](repeating: [], count: sockets.count)
        // A capture filter runs before the device takes the packet in (filterArrival), not at its hook.
        for index in ordered where !attachments[index].specification.isCaptureFilter {
            let specification = attachments[index].specification
            switch specification.hook {
            case .ingress, .egress:
                let targets = specification.device.map { [deviceIndex($0)] } ?? Array(devices.indices)
                for d in targets {
                    if specification.hook == .ingress { ingress[d].append(index) } else { egress[d].append(index) }
                }
            case .socket:
                let targets = specification.socket.map { name in [sockets.firstIndex { $0.name == name }!] } ?? Array(sockets.indices)
                for s in targets { socketLists[s].append(index) }
            default:
                hooks[specification.hook.rawValue].append(index)
            }
        }
        ingressPrograms = ProgramLists(ingress)
        egressPrograms = ProgramLists(egress)
        hookPrograms = ProgramLists(hooks)
        socketPrograms = ProgramLists(socketLists)
        deviceFacts = .table(devices.map(DeviceFacts.init))
        attachmentFacts = .table(attachments.map(AttachmentFacts.init))

        hookCounters = .allocate(capacity: HookPoint.allCases.count)
        hookCounters.initialize(repeating: HookStatistics(), count: HookPoint.allCases.count)
        programCounters = .allocate(capacity: max(attachments.count, 1))
        programCounters.initialize(repeating: ProgramStatistics(), count: max(attachments.count, 1))
        deviceCounters = .allocate(capacity: max(devices.count, 1))
        deviceCounters.initialize(repeating: DeviceStatistics(), count: max(devices.count, 1))
        socketCounters = .allocate(capacity: max(sockets.count, 1))
        socketCounters.initialize(repeating: SocketStatistics(), count: max(sockets.count, 1))
        totalCounters = .allocate(capacity: 1)
        totalCounters.initialize(to: DatapathTotals())
        current = .allocate(capacity: 1)
        current.initialize(to: PacketState())
        trailStorage = .allocate(capacity: 1)
        let passes = Self.redirectLimit + 1
        trailStorage.initialize(to: TrailRecorder(
            hookCapacity: passes * HookPoint.allCases.count * 2, runCapacity: passes * max(attachments.count, 1) * 2))
        snapshot = .allocate(byteCount: Self.snapshotCapacity, alignment: 16)
        generatedPool = SkBuffPool(bufferCount: generatedBufferCount, bufferCapacity: Self.snapshotCapacity + 1024, headroom: 128)
        pendingClones.reserveCapacity(generatedBufferCount)

        // bpf_clone_redirect: the helper copies into the environment's buffer and hands it over;
        // the copy is queued and sent once the current packet is done (never re-entering a
        // program that is running).
        let redirectDevices = devices.enumerated().map {
            RedirectDevice(ifindex: Self.firstIfindex + UInt32($0.offset), carriesMacHeader: $0.element.hasLinkHeader)
        }
        for attachment in attachments {
            let environment = attachment.interpreter.environment
            environment.device = { [unowned self] ifindex in self.deviceIndex(ifindex: ifindex).map { redirectDevices[$0] } }
            environment.cloneSink = { [unowned self] clone, device, flags in
                self.queueClone(clone, ifindex: device.ifindex, flags: flags)
            }
        }
    }

    deinit {
        hookCounters.deinitialize(count: HookPoint.allCases.count)
        hookCounters.deallocate()
        programCounters.deinitialize(count: max(attachments.count, 1))
        programCounters.deallocate()
        deviceCounters.deinitialize(count: max(devices.count, 1))
        deviceCounters.deallocate()
        socketCounters.deinitialize(count: max(sockets.count, 1))
        socketCounters.deallocate()
        totalCounters.deinitialize(count: 1)
        totalCounters.deallocate()
        current.deinitialize(count: 1)
        current.deallocate()
        trailStorage.pointee.deallocate()
        trailStorage.deinitialize(count: 1)
        trailStorage.deallocate()
        snapshot.deallocate()
        for lists in [ingressPrograms, egressPrograms, hookPrograms, socketPrograms] { lists.deallocate() }
        deviceFacts.deinitialize(count: devices.count)
        deviceFacts.deallocate()
        attachmentFacts.deinitialize(count: attachments.count)
        attachmentFacts.deallocate()
        // The attachments (and their environments) may outlive this datapath.
        for attachment in attachments {
            attachment.interpreter.environment.cloneSink = nil
            attachment.interpreter.environment.device = { _ in nil }
        }
    }

    // MARK: Devices and statistics

    /// The ifindex programs see for device `index` (``firstIfindex`` + index).
    public func ifindex(ofDevice index: Int) -> UInt32 { Self.firstIfindex + UInt32(index) }

    /// The device called `name`.
    public func deviceIndex(named name: String) -> Int? { devices.firstIndex { $0.name == name } }

    /// The device with `ifindex`, or nil.
    @inline(__always)
    func deviceIndex(ifindex: UInt32) -> Int? {
        let index = Int(ifindex) - Int(Self.firstIfindex)
        return index >= 0 && index < devices.count ? index : nil
    }

    public var totals: DatapathTotals { totalCounters.pointee }
    public func statistics(of hook: HookPoint) -> HookStatistics { hookCounters[hook.rawValue] }
    public func statistics(ofProgram index: Int) -> ProgramStatistics { programCounters[index] }
    public func statistics(ofDevice index: Int) -> DeviceStatistics { deviceCounters[index] }
    public func statistics(ofSocket index: Int) -> SocketStatistics { socketCounters[index] }
    /// The way of the last input packet (meaningful while ``recordsTrails`` is on).
    public var lastTrail: PacketTrail { PacketTrail(trailStorage.pointee.view) }
    /// The last packet's trail without copying it; valid until the next packet.
    public var lastTrailView: PacketTrailView { trailStorage.pointee.view }

    // MARK: Packets in

    /// Takes one packet arriving on device `device` through the datapath, to its end.
    ///
    /// `skb` holds the frame as the device delivers it: `data` at the link header on a device
    /// with one, else at the network header; `skb->protocol` and the network header set
    /// (``LinkLayerHeader/apply(to:)`` does this for captures). Clones the programs made are
    /// sent before this returns.
    /// - Returns: how the packet ended; ``lastTrail`` has the details.
    @discardableResult
    public func receive(_ skb: SkBuff, on device: Int) -> PacketFate {
        totalCounters.pointee.received &+= 1
        beginPacket(recording: recordsTrails)
        skb.clearControlBlock()
        let fate = ingress(skb, device)
        finish(fate, skb, generated: false)
        if !pendingClones.isEmpty { sendPendingClones() }
        return fate
    }

    /// Counts an input packet that could not even be taken in (a link header cut short, an
    /// unsupported link type): dropped with `reason` on `device`, and reported to the sink.
    @discardableResult
    public func reject(_ skb: SkBuff, on device: Int, reason: DropReason) -> PacketFate {
        totalCounters.pointee.received &+= 1
        beginPacket(recording: recordsTrails)
        deviceCounters[device].rxPackets &+= 1
        deviceCounters[device].rxBytes &+= skb.length
        deviceCounters[device].rxDropped &+= 1
        let fate = drop(skb, reason, at: nil, atLinkHeader: true)
        finish(fate, skb, generated: false)
        return fate
    }

    func beginPacket(recording: Bool) {
        current.pointee.redirectCount = 0
        current.pointee.hasArrivalAddresses = false
        current.pointee.isRecording = recording
        if recording { trailStorage.pointee.reset() }
    }

    /// Books the end of a packet's way.
    func finish(_ fate: PacketFate, _ skb: SkBuff, generated: Bool) {
        let t = totalCounters
        switch fate {
        case .transmitted: if generated { t.pointee.generatedTransmitted &+= 1 } else { t.pointee.transmitted &+= 1 }
        case .delivered: if generated { t.pointee.generatedDelivered &+= 1 } else { t.pointee.delivered &+= 1 }
        case .stolen: if generated { t.pointee.generatedStolen &+= 1 } else { t.pointee.stolen &+= 1 }
        case .dropped(let reason, _):
            if generated {
                t.pointee.generatedDropped &+= 1
            } else {
                t.pointee.dropped &+= 1
                t.pointee.dropsByReason[reason.rawValue] &+= 1
            }
        }
        if current.pointee.isRecording {
            trailStorage.pointee.fate = fate
            trailStorage.pointee.mark = skb.mark
            trailStorage.pointee.priority = skb.priority
            trailStorage.pointee.redirects = current.pointee.redirectCount
        }
    }

    /// A drop: reported to the sink, its fate returned.
    @inline(never)
    func drop(_ skb: SkBuff, _ reason: DropReason, at hook: HookPoint?, atLinkHeader: Bool) -> PacketFate {
        sink.drop(skb, reason: reason, hook: hook, atLinkHeader: atLinkHeader)
        return .dropped(reason, hook: hook)
    }

    /// What one timed run adds by reading the clock itself (the cheapest of a few tries at a
    /// thousand back-to-back reads), taken off each timed run.
    static let clockCost: Int = {
        var best = Int.max
        for _ in 0..<5 {
            let start = now()
            var last = start
            for _ in 0..<1000 { last = now() }
            best = min(best, Int(last &- start) / 1000)
        }
        return best
    }()

    /// Monotonic nanoseconds, for program run times.
    @inline(__always)
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
