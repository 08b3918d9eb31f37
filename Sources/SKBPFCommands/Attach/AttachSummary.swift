import Datapath
import Foundation

/// The end-of-run report of `skbpf attach`: replay's totals and tables, then what the devices
/// refused (write failures) and what stopped the engine.
struct AttachSummary {
    let engine: LiveEngine

    private var seconds: Double { (engine.stopped ?? Date()).timeIntervalSince(engine.started) }

    var text: String {
        let t = engine.datapath.totals
        var lines: [String] = []
        let perSecond = seconds > 0 ? Double(t.received) / seconds : 0
        lines.append("attach: \(t.received) packets in \(String(format: "%.1f", seconds)) s, \(ReplaySummary.rate(perSecond)) packets/s; stopped: \(engine.stopReason ?? "-")")
        let report = DatapathReport(engine.datapath)
        lines += report.totalsLines
        if engine.workers.count > 1 {
            lines.append("  workers: " + engine.receivedByWorker.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: " · "))
        }
        if engine.reloads + engine.failedReloads > 0 { lines.append("  reloads: \(engine.reloads) (failed: \(engine.failedReloads))") }
        if engine.readErrors > 0 { lines.append("  read errors: \(engine.readErrors)") }
        let failures = engine.writeFailures.enumerated().filter { $0.element.total > 0 }
        for (index, f) in failures {
            lines.append("  \(engine.datapath.devices[index].name): \(f.total) sent packets not taken by the device (queue full \(f.queueFull), gone \(f.gone), other \(f.failed))")
        }
        if !engine.goneDevices.isEmpty {
            lines.append("  gone: " + engine.goneDevices.sorted().map { engine.datapath.devices[$0].name }.joined(separator: ", "))
        }
        for (hook, tap) in engine.taps.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("  tap \(hook): \(tap.path) (\(tap.count))" + (tap.failure.map { " — \($0)" } ?? ""))
        }
        lines += report.tableLines
        return lines.joined(separator: "\n")
    }

    var json: String {
        let t = engine.datapath.totals
        let report = DatapathReport(engine.datapath)
        var object = report.jsonFields
        object["packets"] = t.received
        object["seconds"] = seconds
        object["packets_per_second"] = seconds > 0 ? Double(t.received) / seconds : 0
        object["stopped"] = engine.stopReason ?? ""
        object["reloads"] = ["done": engine.reloads, "failed": engine.failedReloads]
        object["workers"] = engine.receivedByWorker.enumerated().map { ["index": $0.offset, "received": $0.element] }
        object["read_errors"] = engine.readErrors
        let writeFailures = engine.writeFailures
        object["devices"] = report.deviceObjects { index in
            let f = writeFailures[index]
            return ["tun": engine.devices[index].settings.label, "gone": engine.goneDevices.contains(index),
                    "queues": engine.devices[index].descriptors.count,
                    "write_failures": ["queue_full": f.queueFull, "gone": f.gone, "other": f.failed]]
        }
        object["taps"] = Dictionary(uniqueKeysWithValues: engine.taps.map { ($0.key.name, ["path": $0.value.path, "packets": $0.value.count] as [String: Any]) })
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
