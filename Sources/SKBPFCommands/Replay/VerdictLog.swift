import BPFABI
import Datapath

/// `verdicts.jsonl`: one JSON object per input packet, in input order —
///
///     {"index":0,"hooks":["ingress","prerouting","forward","postrouting","egress"],
///      "programs":[{"hook":"ingress","program":"classifier.o:tc","ret":0}],
///      "verdict":"sent","device":"out","mark":0,"priority":0,"rewritten":false}
///
/// With `replay --filter`, `"matched":true|false` follows `index`: the filter's answer for the
/// packet as captured; a refused packet's line is only `index`, `matched`, and its verdict
/// (`dropped`, reason `filtered`, at `ingress`). `verdict` is `sent` (with `device`), `local` (with `socket`, null for the host stack),
/// `dropped` (with `reason` and, when a hook decided, `at`) or `stolen` (with `at`);
/// `redirects` appears when the packet was redirected. `ret` is r0 as the hook reads it: a
/// signed tc action, or a socket filter's unsigned length. Lines are built from bytes
/// prepared at start, so a line costs no allocation.
final class VerdictLog {
    private let file: BufferedOutputFile
    private let hookNames: [[UInt8]]
    private let programNames: [[UInt8]]
    private let programIsSocketFilter: [Bool]
    private let deviceNames: [[UInt8]]
    private let socketNames: [[UInt8]]
    private let reasonNames: [[UInt8]]

    init(path: String, datapath: Datapath) throws(CommandFailure) {
        file = try BufferedOutputFile(path: path)
        hookNames = HookPoint.allCases.map { Self.quoted($0.name) }
        programNames = datapath.attachments.map { Self.quoted($0.name) }
        programIsSocketFilter = datapath.attachments.map { $0.programType == .socketFilter }
        deviceNames = datapath.devices.map { Self.quoted($0.name) }
        socketNames = datapath.sockets.map { Self.quoted($0.name) }
        reasonNames = DropReason.allCases.map { Self.quoted($0.name) }
    }

    /// A JSON string literal of `text`, as bytes.
    static func quoted(_ text: String) -> [UInt8] { Array(JSONText(quoted: text).text.utf8) }

    @inline(__always)
    private func literal(_ text: StaticString) {
        file.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The line of a packet the capture filter refused: it never entered the datapath, so its
    /// line says only that (`{"index":7,"matched":false,"verdict":"dropped","reason":"filtered","at":"ingress"}`).
    func writeFiltered(index: Int) {
        literal("{\"index\":")
        file.append(decimal: index)
        literal(",\"matched\":false,\"verdict\":\"dropped\",\"reason\":\"filtered\",\"at\":\"ingress\"}\n")
    }

    /// Appends the line of input packet `index`; `matched`, when a capture filter ran, is its answer.
    func write(index: Int, trail: PacketTrail, matched: Bool? = nil) {
        literal("{\"index\":")
        file.append(decimal: index)
        if let matched {
            if matched { literal(",\"matched\":true") } else { literal(",\"matched\":false") }
        }
        literal(",\"hooks\":[")
        for (i, hook) in trail.hooks.enumerated() {
            if i > 0 { file.append(UInt8(ascii: ",")) }
            file.append(hookNames[hook.rawValue])
        }
        literal("],\"programs\":[")
        for (i, run) in trail.runs.enumerated() {
            if i > 0 { file.append(UInt8(ascii: ",")) }
            literal("{\"hook\":")
            file.append(hookNames[run.hook.rawValue])
            literal(",\"program\":")
            file.append(programNames[run.attachment])
            literal(",\"ret\":")
            if programIsSocketFilter[run.attachment] {
                file.append(decimal: UInt64(UInt32(truncatingIfNeeded: run.returnValue)))
            } else {
                file.append(decimal: Int(Int32(truncatingIfNeeded: run.returnValue)))
            }
            file.append(UInt8(ascii: "}"))
        }
        literal("],\"verdict\":")
        switch trail.fate {
        case .transmitted(let device):
            literal("\"sent\",\"device\":")
            file.append(deviceNames[device])
        case .delivered(let socket):
            literal("\"local\",\"socket\":")
            if let socket { file.append(socketNames[socket]) } else { literal("null") }
        case .dropped(let reason, let hook):
            literal("\"dropped\",\"reason\":")
            file.append(reasonNames[reason.rawValue])
            if let hook {
                literal(",\"at\":")
                file.append(hookNames[hook.rawValue])
            }
        case .stolen(let hook):
            literal("\"stolen\",\"at\":")
            file.append(hookNames[hook.rawValue])
        }
        if trail.redirects > 0 {
            literal(",\"redirects\":")
            file.append(decimal: trail.redirects)
        }
        literal(",\"mark\":")
        file.append(decimal: UInt64(trail.mark))
        literal(",\"priority\":")
        file.append(decimal: UInt64(trail.priority))
        if trail.isRewritten { literal(",\"rewritten\":true}\n") } else { literal(",\"rewritten\":false}\n") }
    }

    func close() throws(CommandFailure) { try file.close() }
}
