import Datapath
import Foundation

/// A datapath's statistics for a summary, shared by `replay` and `attach`: the totals lines, the
/// hook, program, device and socket tables, and the same as JSON fields (sorted-key objects
/// whose names are part of the JSON contract).
struct DatapathReport {
    let datapath: Datapath

    init(_ datapath: Datapath) { self.datapath = datapath }

    /// "  sent … · local … · dropped … · stolen … = N (adds up)", drop reasons, generated packets.
    var totalsLines: [String] {
        let t = datapath.totals
        var lines: [String] = []
        let sentPerDevice = datapath.devices.indices.compactMap { index -> String? in
            let count = datapath.statistics(ofDevice: index).txPackets
            return count > 0 ? "\(datapath.devices[index].name) \(count)" : nil
        }
        let sum = t.transmitted + t.delivered + t.dropped + t.stolen
        lines.append("  sent \(t.transmitted)\(sentPerDevice.isEmpty ? "" : " (" + sentPerDevice.joined(separator: ", ") + ")") · local \(t.delivered) · dropped \(t.dropped) · stolen \(t.stolen) = \(sum) \(t.addsUp ? "(adds up)" : "(DOES NOT ADD UP to \(t.received))")")
        let reasons = DropReason.allCases.filter { t.dropsByReason[$0.rawValue] > 0 }.map { "\($0.name) \(t.dropsByReason[$0.rawValue])" }
        if !reasons.isEmpty { lines.append("  drops: " + reasons.joined(separator: ", ")) }
        if t.generated > 0 {
            lines.append("  generated \(t.generated) (clones, replies): sent \(t.generatedTransmitted) · local \(t.generatedDelivered) · dropped \(t.generatedDropped) · stolen \(t.generatedStolen)")
        }
        if t.clonesRefused > 0 { lines.append("  clones refused (no buffer): \(t.clonesRefused)") }
        return lines
    }

    /// The hook, program, device and socket tables, each after an empty line.
    var tableLines: [String] {
        var lines: [String] = []
        lines.append("")
        lines.append(Self.table(["hook", "packets", "bytes", "passed", "dropped", "redirected", "stolen"],
                                HookPoint.allCases.map { hook in
                                    let s = datapath.statistics(of: hook)
                                    return [hook.name, "\(s.packets)", "\(s.bytes)", "\(s.passed)", "\(s.dropped)", "\(s.redirected)", "\(s.stolen)"]
                                }))
        if !datapath.attachments.isEmpty {
            lines.append("")
            lines.append(Self.table(["program", "hook", "runs", "passed", "dropped", "redirected", "stolen", "ns/run", "insns/run"],
                                    datapath.attachments.enumerated().map { index, attachment in
                                        let s = datapath.statistics(ofProgram: index)
                                        return [attachment.name, attachment.hook.name, "\(s.runs)", "\(s.passed)", "\(s.dropped)",
                                                "\(s.redirected)", "\(s.stolen)", s.timedRuns > 0 ? String(format: "%.1f", s.nanosecondsPerRun) : "-",
                                                s.runs > 0 ? String(format: "%.1f", Double(s.instructions) / Double(s.runs)) : "0"]
                                    }))
        }
        lines.append("")
        lines.append(Self.table(["device", "ifindex", "rx_packets", "rx_bytes", "rx_dropped", "tx_packets", "tx_bytes", "tx_dropped"],
                                datapath.devices.indices.map { index in
                                    let s = datapath.statistics(ofDevice: index)
                                    return [datapath.devices[index].name, "\(datapath.ifindex(ofDevice: index))", "\(s.rxPackets)", "\(s.rxBytes)",
                                            "\(s.rxDropped)", "\(s.txPackets)", "\(s.txBytes)", "\(s.txDropped)"]
                                }))
        if !datapath.sockets.isEmpty {
            lines.append("")
            lines.append(Self.table(["socket", "received", "bytes", "filtered", "dropped", "queued", "sent"],
                                    datapath.sockets.indices.map { index in
                                        let s = datapath.statistics(ofSocket: index)
                                        return [datapath.sockets[index].name, "\(s.received)", "\(s.receivedBytes)", "\(s.filtered)",
                                                "\(s.dropped)", "\(s.queuedBytes)", "\(s.sent)"]
                                    }))
        }
        return lines
    }

    /// `totals`, `hooks`, `programs` and `sockets` (devices: ``deviceObjects(_:)``).
    var jsonFields: [String: Any] {
        let t = datapath.totals
        var object: [String: Any] = [:]
        var reasons: [String: Int] = [:]
        for reason in DropReason.allCases where t.dropsByReason[reason.rawValue] > 0 { reasons[reason.name] = t.dropsByReason[reason.rawValue] }
        object["totals"] = [
            "received": t.received, "sent": t.transmitted, "local": t.delivered, "dropped": t.dropped, "stolen": t.stolen,
            "adds_up": t.addsUp, "drops_by_reason": reasons, "redirects": t.redirects, "clones_refused": t.clonesRefused,
            "generated": ["packets": t.generated, "sent": t.generatedTransmitted, "local": t.generatedDelivered,
                          "dropped": t.generatedDropped, "stolen": t.generatedStolen],
        ] as [String: Any]
        var hooks: [String: Any] = [:]
        for hook in HookPoint.allCases {
            let s = datapath.statistics(of: hook)
            hooks[hook.name] = ["packets": s.packets, "bytes": s.bytes, "passed": s.passed, "dropped": s.dropped,
                                "redirected": s.redirected, "stolen": s.stolen]
        }
        object["hooks"] = hooks
        object["programs"] = datapath.attachments.enumerated().map { index, attachment -> [String: Any] in
            let s = datapath.statistics(ofProgram: index)
            var entry: [String: Any] = ["name": attachment.name, "hook": attachment.hook.name, "priority": attachment.specification.priority,
                                        "path": attachment.specification.programPath, "type": "\(attachment.programType)",
                                        "runs": s.runs, "bytes": s.bytes, "passed": s.passed, "dropped": s.dropped,
                                        "redirected": s.redirected, "stolen": s.stolen, "trimmed": s.trimmed, "faults": s.faults,
                                        "instructions": s.instructions, "ns_per_run": s.nanosecondsPerRun,
                                        "run_ns_estimated": s.estimatedNanoseconds]
            if let device = attachment.specification.device { entry["device"] = device }
            if let socket = attachment.specification.socket { entry["socket"] = socket }
            return entry
        }
        object["sockets"] = datapath.sockets.indices.map { index -> [String: Any] in
            let s = datapath.statistics(ofSocket: index)
            return ["name": datapath.sockets[index].name, "received": s.received, "bytes": s.receivedBytes, "filtered": s.filtered,
                    "dropped": s.dropped, "queued_bytes": s.queuedBytes, "sent": s.sent]
        }
        return object
    }

    /// The `devices` array, each object with `extra(index)` added.
    func deviceObjects(_ extra: (Int) -> [String: Any]) -> [[String: Any]] {
        return datapath.devices.indices.map { index -> [String: Any] in
            let s = datapath.statistics(ofDevice: index)
            var entry: [String: Any] = ["name": datapath.devices[index].name, "ifindex": Int(datapath.ifindex(ofDevice: index)),
                                        "rx_packets": s.rxPackets, "rx_bytes": s.rxBytes, "rx_dropped": s.rxDropped,
                                        "tx_packets": s.txPackets, "tx_bytes": s.txBytes, "tx_dropped": s.txDropped]
            for (key, value) in extra(index) { entry[key] = value }
            return entry
        }
    }

    /// Left-aligned first column, right-aligned numbers.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
