import ArgumentParser
import BPFABI
import BPFObject
import BPFVM
import Foundation
import PacketBuffer

/// `skbpf test-run PROG.o [--section S | --program NAME] --packet PKT.bin [--ctx-in JSON]
/// [--repeat N] [--map-set NAME:KEYHEX:VALHEX]… [--dump-maps] [--json]`: one program of an object
/// on one packet, as the kernel's `BPF_PROG_TEST_RUN` runs it, reported with the field names
/// and meanings of `kernel_oracle.py run`.
struct TestRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-run",
        abstract: "Run a tc or socket-filter program of an object on a packet, as BPF_PROG_TEST_RUN does.",
        discussion: """
            The packet starts at the Ethernet header. tc programs see data at the Ethernet header; \
            socket filters at the network header, and their data_out has the 14 MAC bytes zeroed. \
            With --repeat N every run uses the same buffer (a rewriting program sees its own output, \
            as in the kernel); duration_ns is the time per run. ctx_out holds what the kernel copies \
            back (mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size, \
            hwtstamp; other fields 0); "skb" holds every field as the program left it.
            """)

    @Argument(help: "ELF object (clang -target bpf -O2 -g -c).")
    var object: String

    @Option(help: "ELF section of the program (e.g. tc, classifier, socket).")
    var section: String?

    @Option(help: "Function name of the program, when a section holds several.")
    var program: String?

    @Option(help: "Program type: tc (sched_cls), sched_act or socket_filter (default: from the section name, else tc).")
    var type: String?

    @Option(help: "File holding the frame, from the Ethernet header on.")
    var packet: String

    @Option(name: .customLong("ctx-in"), help: "__sk_buff fields to start with, as JSON (or @file.json).")
    var contextIn: String?

    @Option(help: "Run this many times on the same buffer.")
    var `repeat`: Int = 1

    @Option(name: .customLong("map-set"), help: "Before the run, set an entry: NAME:KEYHEX:VALUEHEX (repeatable).")
    var mapSettings: [String] = []

    @Flag(name: .customLong("dump-maps"), help: "After the run, dump every map (ring buffers with their records).")
    var dumpMaps = false

    @Flag(help: "Print one JSON object (kernel_oracle.py's fields).")
    var json = false

    @Flag(name: .customLong("no-prog-array-init"),
          help: "Leave prog arrays empty, as kernel_oracle.py does (libbpf fills them from their initialisers).")
    var noProgramArrayInitialisers = false

    @Flag(name: .customLong("no-verify"), help: "Run without verifying the program first (it runs checked).")
    var noVerify = false

    @Flag(help: "Check every memory access even though the verifier proved the program (for debugging).")
    var checked = false

    @Flag(help: "Run a verified program in the interpreter's op loop instead of as x86-64 machine code.")
    var interpreter = false

    @Option(help: "Write each ring buffer record as a JSON line to this file ('-' for standard output).")
    var events: String?

    /// Trace lines kept for the JSON output; later ones are counted only.
    static let traceLineLimit = 1000

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if let type, ProgramType(name: type) == nil {
            throw ValidationError("--type: unknown program type '\(type)' (tc, sched_cls, sched_act, socket_filter)")
        }
        if let type, ProgramType(name: type)?.hasSkBuffContext == false {
            throw ValidationError("--type \(type): skbpf verifies \(type) programs (skbpf verify) but does not run them")
        }
    }

    func run() throws {
        let bytes = try ProgramFile.readBytes(object)
        guard BPFObjectFile.isELF(bytes) else { throw CommandFailure.usage("\(object): not an ELF object") }
        let loaded: LoadedObject
        do {
            loaded = try LoadedObject.load(bytes: bytes, cpuCount: ObjectInstance.possibleCPUCount)
        } catch {
            throw CommandFailure.rejected("\(object): \(error)")
        }
        let selected = try select(in: loaded)
        let programType = type.flatMap { ProgramType(name: $0) } ?? selected.programType
            ?? ProgramType.inferred(fromSection: selected.sectionName)
        let frame = try ProgramFile.readBytes(packet)
        let context = try contextIn.map { text throws(CommandFailure) in try ContextJSON.parse(text) } ?? TestRunContext()

        let instance: ObjectInstance
        do {
            instance = try ObjectInstance(object: loaded, program: selected, type: programType,
                                          cpuCount: ObjectInstance.possibleCPUCount,
                                          mode: noVerify || checked ? .checked : .unchecked,
                                          fillsProgramArrays: !noProgramArrayInitialisers, verifies: !noVerify)
        } catch {
            try report(loadError: error.message, program: selected, type: programType, object: loaded)
            throw ExitCode(CommandFailure.Kind.rejected.rawValue)
        }
        for setting in mapSettings {
            do { try instance.maps.apply(setting: setting) } catch { throw CommandFailure.usage("--map-set \(setting): \(error)") }
        }
        let trace = TraceCollector(limit: Self.traceLineLimit, echo: !json)
        instance.environment.traceSink = { trace.append($0) }
        instance.environment.device = { $0 == TestRunFrame.loopbackIfindex ? RedirectDevice(ifindex: $0) : nil }

        // Room for helpers that grow the packet (change_tail, change_head, adjust_room, encapsulation).
        let skb = SkBuff(capacity: TestRunFrame.headroom + frame.count + SkBuffHelpers.maxPacketLength + 512)
        // As the kernel's test runs, the packet belongs to a dummy socket (skb->sk).
        let socket = TestRunSocket()
        do { try TestRunFrame.prepare(skb, frame: frame, type: programType, context: context, socket: socket) } catch {
            throw CommandFailure.usage("\(packet): \(error)")
        }
        let interpreter = Interpreter(program: instance.executable, environment: instance.environment,
                                      engine: self.interpreter ? .interpreter : .native)
        let measurement: RunTimer
        do {
            measurement = try withExtendedLifetime(socket) { () throws(Trap) -> RunTimer in
                try RunTimer.measure(repeat: `repeat`) { () throws(Trap) in try interpreter.run(context: skb) }
            }
        } catch {
            try report(runError: "\(error)", program: selected, type: programType, object: loaded)
            throw ExitCode(CommandFailure.Kind.rejected.rawValue)
        }
        let result = TestRunResult(
            program: selected, type: programType, object: loaded, instance: instance, skb: skb, frame: frame,
            returnValue: UInt32(truncatingIfNeeded: measurement.lastResult.returnValue),
            durationNanoseconds: Int(measurement.nanosecondsPerRun), repeatCount: `repeat`,
            redirect: interpreter.redirectRequest, trace: trace)
        if json {
            print(result.json(dumpMaps: dumpMaps))
        } else {
            print(result.text(dumpMaps: dumpMaps))
        }
        try writeEvents(instance)
    }

    /// The program `--section`/`--program` name, or the object's only one.
    private func select(in loaded: LoadedObject) throws(CommandFailure) -> LoadedProgram {
        var candidates = loaded.programs
        if let section { candidates = candidates.filter { $0.sectionName == section } }
        if let program { candidates = candidates.filter { $0.name == program } }
        let listing = loaded.programs.map { "\($0.sectionName)/\($0.name)" }.joined(separator: ", ")
        guard !candidates.isEmpty else {
            let wanted = [section.map { "section '\($0)'" }, program.map { "program '\($0)'" }].compactMap { $0 }
            throw .usage("\(object): no \(wanted.isEmpty ? "program" : wanted.joined(separator: " and ")) (have: \(listing))")
        }
        guard candidates.count == 1 else {
            throw .usage("\(object): \(candidates.count) programs match, choose one with --section/--program (have: \(listing))")
        }
        return candidates[0]
    }

    private func report(loadError: String, program: LoadedProgram, type: ProgramType, object: LoadedObject) throws {
        if json {
            let lines = loadError.split(separator: "\n", omittingEmptySubsequences: false)
            var pairs: [(String, Any)] = [("loaded", false)] + TestRunResult.header(program, type, object)
            pairs.append(("error", JSONText(quoted: String(lines.first ?? ""))))
            if lines.count > 1 { pairs.append(("verifier", JSONText(quoted: lines.dropFirst().joined(separator: "\n")))) }
            print(ContextJSON.encode(pairs))
        } else {
            FileHandle.standardError.write(Data("skbpf: error: \(self.object): \(loadError)\n".utf8))
        }
    }

    private func report(runError: String, program: LoadedProgram, type: ProgramType, object: LoadedObject) throws {
        if json {
            print(ContextJSON.encode([("loaded", true)] + TestRunResult.header(program, type, object) + [("run_error", runError)]))
        } else {
            FileHandle.standardError.write(Data("skbpf: error: \(self.object): run failed: \(runError)\n".utf8))
        }
    }

    /// `--events`: every ring buffer's records, oldest first, one JSON object per line.
    private func writeEvents(_ instance: ObjectInstance) throws {
        guard let events else { return }
        var lines = ""
        for ring in instance.maps.ringBuffers {
            for record in ring.records() where !record.isDiscarded && !record.isBusy {
                lines += ContextJSON.encode([("map", ring.name), ("len", record.length), ("data", hex(record.bytes))]) + "\n"
            }
        }
        if events == "-" {
            print(lines, terminator: "")
        } else if !FileManager.default.createFile(atPath: events, contents: Data(lines.utf8)) {
            throw CommandFailure.usage("--events: cannot write \(events)")
        }
    }
}

/// Trace lines of a run: echoed to standard error as they come (text mode), the first `limit`
/// kept for the JSON output.
final class TraceCollector {
    let limit: Int
    let echo: Bool
    private(set) var lines: [String] = []
    private(set) var dropped = 0

    init(limit: Int, echo: Bool) {
        self.limit = limit
        self.echo = echo
    }

    func append(_ line: String) {
        if echo { FileHandle.standardError.write(Data("trace: \(line)\n".utf8)) }
        if lines.count < limit { lines.append(line) } else { dropped += 1 }
    }
}

func hex(_ bytes: some Collection<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}
