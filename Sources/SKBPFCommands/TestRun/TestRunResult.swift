import BPFABI
import BPFObject
import BPFVM
import Foundation
import PacketBuffer

/// What `skbpf test-run` reports: `kernel_oracle.py run`'s object, field for field, plus skbpf's
/// own `skb` (every field as the program left it), `redirect` and `trace`.
struct TestRunResult {
    var program: LoadedProgram
    var type: ProgramType
    var object: LoadedObject
    var instance: ObjectInstance
    var skb: SkBuff
    var frame: [UInt8]
    var returnValue: UInt32
    var durationNanoseconds: Int
    var repeatCount: Int
    var redirect: RedirectRequest?
    var trace: TraceCollector

    /// `prog_type`, `section`, `prog`, `insn_cnt`, `btf`, as the oracle opens its answer.
    static func header(_ program: LoadedProgram, _ type: ProgramType, _ object: LoadedObject) -> [(String, Any)] {
        [("prog_type", type.kernelName), ("section", program.sectionName), ("prog", program.name),
         ("insn_cnt", program.program.slotCount), ("btf", object.btf == nil ? "none" : "loaded")]
    }

    var dataOut: [UInt8] { TestRunFrame.dataOut(skb, type: type) }

    func json(dumpMaps: Bool) -> String {
        let data = dataOut
        var pairs: [(String, Any)] = [("loaded", true)] + Self.header(program, type, object) + [
            ("retval", returnValue), ("data_out", JSONText(quoted: hex(data))), ("data_size_out", data.count),
            ("data_changed", data != frame), ("ctx_out", ContextJSON.contextOut(skb, kernelCopiedFieldsOnly: true)),
            ("duration_ns", durationNanoseconds), ("repeat", repeatCount),
        ]
        if dumpMaps { pairs.append(("maps", JSONText(raw: mapsJSON))) }
        pairs.append(("skb", ContextJSON.contextOut(skb, kernelCopiedFieldsOnly: false)))
        if let redirect {
            pairs.append(("redirect", [("ifindex", redirect.ifindex), ("flags", redirect.flags), ("ingress", redirect.isIngress)] as [(String, Any)]))
        }
        if !trace.lines.isEmpty || trace.dropped > 0 {
            pairs.append(("trace", trace.lines.map { JSONText(quoted: $0) }))
            if trace.dropped > 0 { pairs.append(("trace_dropped", trace.dropped)) }
        }
        return ContextJSON.encode(pairs)
    }

    /// `{"name": {dump}, …}` for the maps the program sees, ring buffers with their records.
    var mapsJSON: String {
        let entries = instance.visibleMaps.map { map -> String in
            var dump = MapDump(map).json
            if let ring = map as? RingBufferMap {
                let records = ring.records().filter { !$0.isBusy }.map {
                    ContextJSON.encode([("len", $0.length), ("discarded", $0.isDiscarded), ("data", JSONText(quoted: hex($0.bytes)))])
                }
                dump = String(dump.dropLast()) + ", \"records\": [" + records.joined(separator: ", ") + "]}"
            }
            return JSONText(quoted: map.name).text + ": " + dump
        }
        return "{" + entries.joined(separator: ", ") + "}"
    }

    func text(dumpMaps: Bool) -> String {
        var lines = [String]()
        let verdict: String
        if type.isTrafficControl {
            let action = TCAction(returnValue: UInt64(returnValue))
            verdict = action.map { " (\($0.kernelName): \($0.meaning))" } ?? ""
        } else {
            verdict = returnValue == 0 ? " (drop)" : " (keep \(returnValue) bytes)"
        }
        lines.append("retval \(Int32(bitPattern: returnValue))\(verdict)")
        let data = dataOut
        lines.append(data == frame ? "data_out unchanged (\(data.count) bytes)" : "data_out \(data.count) bytes: \(hex(data))")
        let fields = ContextJSON.contextOut(skb, kernelCopiedFieldsOnly: false).filter { _, value in
            if let list = value as? [UInt32] { return list.contains { $0 != 0 } }
            if let list = value as? [Int] { return list.contains { $0 != 0 } }
            return "\(value)" != "0"
        }
        lines.append("skb " + fields.map { "\($0.0)=\(ContextJSON.value($0.1))" }.joined(separator: " "))
        if let redirect {
            lines.append("redirect ifindex \(redirect.ifindex)\(redirect.isIngress ? " ingress" : " egress")")
        }
        lines.append("duration_ns \(durationNanoseconds) (repeat \(repeatCount))")
        if dumpMaps { lines.append("maps \(mapsJSON)") }
        return lines.joined(separator: "\n")
    }
}

/// A JSON fragment ``ContextJSON/encode(_:)`` writes as is.
struct JSONText {
    var text: String
    init(raw: String) { text = raw }
    init(quoted string: String) {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        text = out + "\""
    }
}
