import BPFABI
import Datapath

/// `verdicts.jsonl`: one JSON object per input packet, in input order —
///
///     {"index":0,"hooks":["ingress","prerouting","forward","postrouting","egress"],
///      "programs":[{"hook":"ingress","program":"classifier.o:tc","ret":0}],
///      "verdict":"sent","device":"out","mark":0,"priority":0,"rewritten":false}
///
/// `verdict` is `sent` (with `device`), `local` (with `socket`, null for the host stack),
/// `dropped` (with `reason` and, when a hook decided, `at`) or `stolen` (with `at`);
/// `redirects` appears when the packet was redirected. `ret` is r0 as the hook reads it: a
/// signed tc action, or a socket filter's unsigned length. Lines are built from bytes
/// prepared at start, so a line costs no allocation.
///
/// With `replay --filter`, `"matched":true|false` follows `index`: the filter's answer for the
/// packet as captured; a refused packet's line is only `index`, `matched`, and its verdict
/// (`dropped`, reason `filtered`, at `ingress`).
final class VerdictLog {
    private let file: BufferedOutputFile
    private let hookNames: ByteStringTable
    private let programNames: ByteStringTable
    private let programIsSocketFilter: UnsafeMutablePointer<Bool>
    private let deviceNames: ByteStringTable
    private let socketNames: ByteStringTable
    private let reasonNames: ByteStringTable
    /// Bytes a line needs at most, apart from its hooks and program runs.
    private let fixedLineBound: Int
    private let hookBound: Int
    private let runBound: Int

    init(path: String, datapath: Datapath) throws(CommandFailure) {
        file = try BufferedOutputFile(path: path)
        hookNames = ByteStringTable(HookPoint.allCases.map { Self.quoted($0.name) })
        programNames = ByteStringTable(datapath.attachments.map { Self.quoted($0.name) })
        programIsSocketFilter = .allocate(capacity: max(datapath.attachments.count, 1))
        for (i, attachment) in datapath.attachments.enumerated() {
            (programIsSocketFilter + i).initialize(to: attachment.programType == .socketFilter)
        }
        deviceNames = ByteStringTable(datapath.devices.map { Self.quoted($0.name) })
        socketNames = ByteStringTable(datapath.sockets.map { Self.quoted($0.name) })
        reasonNames = ByteStringTable(DropReason.allCases.map { Self.quoted($0.name) })
        let places = max(deviceNames.maximumLength, socketNames.maximumLength, reasonNames.maximumLength + 8 + hookNames.maximumLength)
        fixedLineBound = 256 + places
        hookBound = hookNames.maximumLength + 1
        runBound = 64 + hookNames.maximumLength + programNames.maximumLength
    }

    deinit {
        for table in [hookNames, programNames, deviceNames, socketNames, reasonNames] { table.deallocate() }
        programIsSocketFilter.deallocate()
    }

    /// A JSON string literal of `text`, as bytes.
    static func quoted(_ text: String) -> [UInt8] { Array(JSONText(quoted: text).text.utf8) }

    /// Appends the line of input packet `index`; `matched`, when a capture filter ran, is its answer.
    func write(index: Int, trail: PacketTrailView, matched: Bool? = nil) {
        let bound = fixedLineBound + trail.hooks.count * hookBound + trail.runs.count * runBound
        file.withCursor(maximumByteCount: bound) { out in write(index, trail, matched, to: &out) }
    }

    /// The line of a packet the capture filter refused: it never entered the datapath, so its
    /// line says only that (`{"index":7,"matched":false,"verdict":"dropped","reason":"filtered","at":"ingress"}`).
    func writeFiltered(index: Int) {
        file.withCursor(maximumByteCount: 96) { out in
            out.literal("{\"index\":")
            out.decimal(index)
            out.literal(",\"matched\":false,\"verdict\":\"dropped\",\"reason\":\"filtered\",\"at\":\"ingress\"}\n")
        }
    }

    @inline(__always)
    private func write(
        _ index: Int, _ trail: PacketTrailView, _ matched: Bool?, to out: inout OutputCursor) {
        let hooks = trail.hooks, runs = trail.runs
        out.literal("{\"index\":")
        out.decimal(index)
        if let matched {
            if matched { out.literal(",\"matched\":true") } else { out.literal(",\"matched\":false") }
        }
        out.literal(",\"hooks\":[")
        for i in 0..<hooks.count {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            hookNames.write(hooks[i].rawValue, to: &out)
        }
        out.literal("],\"programs\":[")
        for i in 0..<runs.count {
            let run = runs[i]
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.literal("{\"hook\":")
            hookNames.write(run.hook.rawValue, to: &out)
            out.literal(",\"program\":")
            programNames.write(run.attachment, to: &out)
            out.literal(",\"ret\":")
            if programIsSocketFilter[run.attachment] {
                out.decimal(UInt64(UInt32(truncatingIfNeeded: run.returnValue)))
            } else {
                out.decimal(Int(Int32(truncatingIfNeeded: run.returnValue)))
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.literal("],\"verdict\":")
        switch trail.fate {
        case .transmitted(let device):
            out.literal("\"sent\",\"device\":")
            deviceNames.write(device, to: &out)
        case .delivered(let socket):
            out.literal("\"local\",\"socket\":")
            if let socket { socketNames.write(socket, to: &out) } else { out.literal("null") }
        case .dropped(let reason, let hook):
            out.literal("\"dropped\",\"reason\":")
            reasonNames.write(reason.rawValue, to: &out)
            if let hook {
                out.literal(",\"at\":")
                hookNames.write(hook.rawValue, to: &out)
            }
        case .stolen(let hook):
            out.literal("\"stolen\",\"at\":")
            hookNames.write(hook.rawValue, to: &out)
        }
        if trail.redirects > 0 {
            out.literal(",\"redirects\":")
            out.decimal(trail.redirects)
        }
        out.literal(",\"mark\":")
        out.decimal(UInt64(trail.mark))
        out.literal(",\"priority\":")
        out.decimal(UInt64(trail.priority))
        if trail.isRewritten { out.literal(",\"rewritten\":true}\n") } else { out.literal(",\"rewritten\":false}\n") }
    }

    func close() throws(CommandFailure) { try file.close() }
}
