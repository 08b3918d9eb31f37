import BPFVM
import Foundation
import PacketBuffer

/// `--ctx-in` and `ctx_out`: `struct __sk_buff` fields as JSON, with the names and rules of
/// `kernel_oracle.py run` (and of the kernel's `BPF_PROG_TEST_RUN`).
enum ContextJSON {
    /// Parses a `--ctx-in` object (or `@file.json`). Only the fields the kernel accepts may be
    /// non-zero; anything else is refused as the kernel refuses it (EINVAL).
    static func parse(_ text: String) throws(CommandFailure) -> TestRunContext {
        var source = text
        if text.hasPrefix("@") {
            source = String(decoding: try ProgramFile.readBytes(String(text.dropFirst())), as: UTF8.self)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(source.utf8))) as? [String: Any] else {
            throw .usage("--ctx-in: not a JSON object: \(text)")
        }
        var context = TestRunContext()
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if key == "cb" {
                guard let words = value as? [Any], words.count <= 5 else {
                    throw .usage("--ctx-in: cb must be an array of at most 5 numbers")
                }
                for (i, word) in words.enumerated() { context.cb[i] = try number(word, key: "cb[\(i)]", max: UInt64(UInt32.max)).u32 }
                continue
            }
            let n = try number(value, key: key, max: UInt64.max)
            if !TestRunContext.settableFields.contains(key) {
                if n != 0 { throw .usage("--ctx-in: field '\(key)' cannot be set (the kernel answers EINVAL); settable: \(TestRunContext.settableFields.sorted().joined(separator: ", "))") }
                continue
            }
            switch key {
            case "mark": context.mark = n.u32
            case "priority": context.priority = n.u32
            case "ingress_ifindex": context.ingressIfindex = n.u32
            case "ifindex": context.ifindex = n.u32
            case "tstamp": context.tstamp = n
            case "wire_len": context.wireLength = n.u32
            case "gso_segs": context.gsoSegments = n.u32
            case "gso_size": context.gsoSize = n.u32
            default: context.hardwareTimestamp = n  // hwtstamp
            }
        }
        return context
    }

    private static func number(_ value: Any, key: String, max: UInt64) throws(CommandFailure) -> UInt64 {
        guard let n = value as? NSNumber, let exact = UInt64(exactly: n.doubleValue) ?? UInt64(exactly: n.int64Value),
              exact <= max
        else { throw .usage("--ctx-in: '\(key)' must be a non-negative integer") }
        return exact
    }

    /// Every `__sk_buff` field after a run, in the uapi order, as `kernel_oracle.py` prints them.
    /// With `kernelCopiedFieldsOnly`, the kernel's `ctx_out`: only the fields `BPF_PROG_TEST_RUN`
    /// copies back (mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs,
    /// gso_size, hwtstamp) have values, the others are 0. Otherwise every field as the program
    /// would read it. Pointer fields (data, data_end, data_meta, flow_keys, sk) are 0 either way:
    /// addresses mean nothing outside a run.
    static func contextOut(_ skb: SkBuff, kernelCopiedFieldsOnly: Bool) -> [(String, Any)] {
        let m = skb.metadata.pointee
        let all = !kernelCopiedFieldsOnly
        func shown<T: BinaryInteger>(_ value: T) -> T { all ? value : 0 }
        return [
            ("len", shown(skb.length)), ("pkt_type", shown(Int(m.packetType & 7))), ("mark", m.mark),
            ("queue_mapping", shown(m.queueMapping)), ("protocol", shown(m.protocolBigEndian)),
            ("vlan_present", shown(m.vlanProtoBigEndian | m.vlanTCI != 0 ? 1 : 0)), ("vlan_tci", shown(m.vlanTCI)),
            ("vlan_proto", shown(m.vlanProtoBigEndian)),
            ("priority", m.priority), ("ingress_ifindex", m.ingressIfindex), ("ifindex", m.ifindex),
            ("tc_index", shown(m.tcIndex)), ("cb", (0..<5).map { skb.programControlBlockWord($0) }), ("hash", shown(m.hash)),
            ("tc_classid", shown(skb.tcClassID)), ("data", 0), ("data_end", 0), ("napi_id", shown(m.napiID < 257 ? 0 : m.napiID)),
            ("family", 0), ("remote_ip4", 0), ("local_ip4", 0), ("remote_ip6", [0, 0, 0, 0]), ("local_ip6", [0, 0, 0, 0]),
            ("remote_port", 0), ("local_port", 0), ("data_meta", 0), ("flow_keys", 0), ("tstamp", m.timestamp),
            ("wire_len", skb.wireLength), ("gso_segs", m.gsoSegments), ("sk", 0), ("gso_size", m.gsoSize),
            ("tstamp_type", shown(m.timestampType)), ("hwtstamp", m.hardwareTimestamp),
        ]
    }

    /// Ordered JSON object text (JSONSerialization does not keep key order).
    static func encode(_ pairs: [(String, Any)]) -> String {
        "{" + pairs.map { "\"\($0.0)\": \(value($0.1))" }.joined(separator: ", ") + "}"
    }

    static func value(_ v: Any) -> String {
        switch v {
        case let fragment as JSONText: fragment.text
        case let flag as Bool: flag ? "true" : "false"
        case let pairs as [(String, Any)]: encode(pairs)
        case let array as [Any]: "[" + array.map(value).joined(separator: ", ") + "]"
        case let array as [JSONText]: "[" + array.map(\.text).joined(separator: ", ") + "]"
        case let string as String: "\"" + string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        default: "\(v)"
        }
    }
}

private extension UInt64 {
    var u32: UInt32 { UInt32(truncatingIfNeeded: self) }
}
