import Datapath
import Foundation
import PacketIO

/// The end-of-replay report: totals that must add up to the packets read, then per hook, per
/// program, per device and per socket; as aligned text or one JSON object.
struct ReplaySummary {
    let input: String
    let linkType: LinkType
    let datapath: Datapath
    let sink: ReplaySink
    let seconds: Double
    let outputDirectory: String
    let writesVerdicts: Bool
    let captureError: PacketIOError?
    let unsupportedLinkType: Bool
    let writeFailure: PacketIOError?

    static func rate(_ perSecond: Double) -> String {
        perSecond >= 1e6 ? String(format: "%.2f M", perSecond / 1e6)
            : perSecond >= 1e3 ? String(format: "%.1f k", perSecond / 1e3) : String(format: "%.0f", perSecond)
    }

    private var totals: DatapathTotals { datapath.totals }

    /// Output files and their packet counts.
    private var outputs: [(String, Int)] {
        var list: [(String, Int)] = []
        for index in datapath.devices.indices {
            if let capture = sink.capture(ofDevice: index) { list.append((capture.path, capture.packetCount)) }
        }
        list.append((sink.dropped.path, sink.dropped.packetCount))
        list.append((sink.local.path, sink.local.packetCount))
        return list
    }

    var text: String {
        let t = totals
        var lines: [String] = []
        let perSecond = seconds > 0 ? Double(t.received) / seconds : 0
        lines.append("replay: \(t.received) packets from \(input) (\(linkType.name)) in \(String(format: "%.3f", seconds)) s, \(Self.rate(perSecond)) packets/s")
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
        if unsupportedLinkType { lines.append("  link type \(linkType) is not supported: its packets are dropped (link-header)") }

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
        lines.append("")
        var written = outputs.map { "\($0.0) (\($0.1))" }
        if writesVerdicts { written.append(outputDirectory + "/verdicts.jsonl") }
        lines.append("outputs: " + written.joined(separator: ", "))
        if sink.unwritable > 0 { lines.append("  \(sink.unwritable) packets could not be written (see above)") }
        return lines.joined(separator: "\n")
    }

    var json: String {
        let t = totals
        var object: [String: Any] = [:]
        object["input"] = ["path": input, "link_type": linkType.name, "link_type_supported": !unsupportedLinkType]
        object["packets"] = t.received
        object["seconds"] = seconds
        object["packets_per_second"] = seconds > 0 ? Double(t.received) / seconds : 0
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
        object["devices"] = datapath.devices.indices.map { index -> [String: Any] in
            let s = datapath.statistics(ofDevice: index)
            var entry: [String: Any] = ["name": datapath.devices[index].name, "ifindex": Int(datapath.ifindex(ofDevice: index)),
                                        "rx_packets": s.rxPackets, "rx_bytes": s.rxBytes, "rx_dropped": s.rxDropped,
                                        "tx_packets": s.txPackets, "tx_bytes": s.txBytes, "tx_dropped": s.txDropped]
            if let capture = sink.capture(ofDevice: index) { entry["file"] = capture.path }
            return entry
        }
        object["sockets"] = datapath.sockets.indices.map { index -> [String: Any] in
            let s = datapath.statistics(ofSocket: index)
            return ["name": datapath.sockets[index].name, "received": s.received, "bytes": s.receivedBytes, "filtered": s.filtered,
                    "dropped": s.dropped, "queued_bytes": s.queuedBytes, "sent": s.sent]
        }
        var files: [String: Any] = [:]
        for (path, count) in outputs { files[path] = count }
        if writesVerdicts { files[outputDirectory + "/verdicts.jsonl"] = t.received }
        object["outputs"] = files
        object["unwritable"] = sink.unwritable
        if let captureError { object["capture_error"] = "\(captureError)" }
        if let writeFailure { object["write_error"] = "\(writeFailure)" }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
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
