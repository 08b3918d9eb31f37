import ArgumentParser
import Datapath
import Foundation
import Glibc
import PacketIO

/// `skbpf attach --pipeline FILE | --tun NAME[@NETNS]… --route PREFIX=DEVICE… --attach HOOK=PROG…
/// [--stats-interval S] [--json] [--user NAME] [--tap HOOK=FILE.pcap…]`: the datapath on live TUN
/// devices until SIGINT/SIGTERM; SIGHUP reloads.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Run the datapath on live TUN devices: filter, route and forward real traffic.",
        discussion: """
            Packets the kernel routes into a TUN device go through the same hooks as in `replay` \
            and leave through another TUN device, reach a local socket of the pipeline, or are \
            dropped. Runs until SIGINT or SIGTERM, then prints the summary `replay` prints. \
            SIGHUP reloads the pipeline: the new programs are verified first, the switch happens \
            between two packets, maps defined alike keep their contents, counters continue; a \
            pipeline that fails to load leaves the running one in place and says why. \
            Exit: 0 after a stop signal, 1 when a device's loss stopped the engine, 2 bad usage.
            """)

    @Option(help: "Pipeline file (YAML) whose devices are TUN devices (devices[].tun).")
    var pipeline: String?

    @Option(name: .customLong("tun"), help: "NAME[@NETNS]: a TUN device to attach to (repeatable; an L3 device of the same name).")
    var tuns: [String] = []

    @Option(name: .customLong("route"), help: "PREFIX=DEVICE: a route in the main table (repeatable; PREFIX may be default, default6).")
    var routes: [String] = []

    @Option(name: .customLong("attach"), help: "HOOK=PROG[:SECTION]: attach a program (repeatable; run in the order given).")
    var attachments: [String] = []

    @Option(name: .customLong("stats-interval"), help: "Print a line of counters every S seconds.")
    var statsInterval: Double?

    @Flag(help: "Print the summary (and interval lines) as JSON.")
    var json = false

    @Option(help: "Drop privileges to this user once the devices are open (as tcpdump -Z).")
    var user: String?

    @Option(name: .customLong("tap"), help: "HOOK=FILE.pcap: write what passes a hook (repeatable).")
    var taps: [String] = []

    func validate() throws {
        if pipeline != nil && !(tuns.isEmpty && routes.isEmpty && attachments.isEmpty) {
            throw ValidationError("--pipeline excludes --tun, --route and --attach: put them in the pipeline file")
        }
        if let statsInterval, !(statsInterval > 0) { throw ValidationError("--stats-interval must be above 0 seconds") }
    }

    func run() throws {
        let load = { [pipeline, tuns, routes, attachments] () throws(CommandFailure) -> LivePipeline in
            if let pipeline {
                do { return try PipelineFile.loadLive(path: pipeline) } catch { throw .usage("\(error)") }
            }
            return try LivePipeline.commandLine(tuns: tuns, routes: routes, attachments: attachments)
        }
        let live = try load()
        var tapWriters: [HookPoint: PcapWriterBox] = [:]
        for text in taps {
            guard let equals = text.firstIndex(of: "="), let hook = HookPoint(name: String(text[..<equals])) else {
                throw CommandFailure.usage("--tap \(text): expected HOOK=FILE.pcap (hooks: \(HookPoint.names))")
            }
            guard tapWriters[hook] == nil else { throw CommandFailure.usage("--tap \(text): hook \(hook) tapped twice") }
            tapWriters[hook] = try PcapWriterBox(path: String(text[text.index(after: equals)...]))
        }
        let loaded = try AttachmentLoader.loadAll(live.configuration, workers: LiveEngine.workerCount(live.tunDevices))

        var devices: [TunDevice] = []
        for backing in live.tunDevices {
            do { devices.append(try TunDevice(backing.settings)) } catch { throw CommandFailure.usage("\(error)") }
        }
        if let user { try Self.dropPrivileges(to: user) }
        try LiveSignals.install()

        let engine = try LiveEngine(pipeline: live, devices: devices, attachments: loaded, reload: load,
                                    statsInterval: statsInterval, json: json, taps: tapWriters)
        let names = zip(live.configuration.devices, devices).map { "\($0.0.name) (\($0.1.settings.label)\($0.1.wasCreated ? ", created" : ""))" }
        let workers = engine.workers.count > 1 ? "; \(engine.workers.count) workers" : ""
        LiveEngine.warn("attached to \(names.joined(separator: ", ")); \(loaded.count) program\(loaded.count == 1 ? "" : "s")\(workers); pid \(getpid())")
        engine.run()
        let summary = AttachSummary(engine: engine)
        print(json ? summary.json : summary.text)
        for device in devices { device.close() }
        if engine.failedStop { throw ExitCode(CommandFailure.Kind.rejected.rawValue) }
    }

    /// setgroups + setgid + setuid to `name`, checked (a half-dropped process is worse than none).
    static func dropPrivileges(to name: String) throws(CommandFailure) {
        guard let entry = getpwnam(name) else { throw .usage("--user \(name): no such user") }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        var groups = [gid]
        guard setgroups(1, &groups) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            throw .rejected("--user \(name): cannot drop privileges: \(String(cString: strerror(errno)))")
        }
        guard getuid() == uid, geteuid() == uid, setuid(0) != 0 || uid == 0 else {
            throw .rejected("--user \(name): privileges were not dropped")
        }
    }
}
