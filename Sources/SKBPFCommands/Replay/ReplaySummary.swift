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
    let outputDirectory: String?
    let writesVerdicts: Bool
    /// `--matched-out`: the file and the packets written to it.
    let matchedOutput: (path: String, packets: Int)?
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
        for capture in [sink.dropped, sink.local].compactMap({ $0 }) { list.append((capture.path, capture.packetCount)) }
        if let matchedOutput { list.append(matchedOutput) }
        return list
    }

    var text: String {
        let t = totals
        var lines: [String] = []
        let perSecond = seconds > 0 ? Double(t.received) / seconds : 0
        lines.append("replay: \(t.received) packets from \(input) (\(linkType.name)) in \(String(format: "%.3f", seconds)) s, \(Self.rate(perSecond)) packets/s")
        lines += DatapathReport(datapath).totalsLines
        if unsupportedLinkType { lines.append("  link type \(linkType) is not supported: its packets are dropped (link-header)") }

        lines += DatapathReport(datapath).tableLines
        lines.append("")
        var written = outputs.map { "\($0.0) (\($0.1))" }
        if writesVerdicts, let outputDirectory { written.append(outputDirectory + "/verdicts.jsonl") }
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
        for (key, value) in DatapathReport(datapath).jsonFields { object[key] = value }
        object["devices"] = DatapathReport(datapath).deviceObjects { index in sink.capture(ofDevice: index).map { ["file": $0.path] } ?? [:] }
        var files: [String: Any] = [:]
        for (path, count) in outputs { files[path] = count }
        if writesVerdicts, let outputDirectory { files[outputDirectory + "/verdicts.jsonl"] = t.received }
        object["outputs"] = files
        object["unwritable"] = sink.unwritable
        if let captureError { object["capture_error"] = "\(captureError)" }
        if let writeFailure { object["write_error"] = "\(writeFailure)" }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
