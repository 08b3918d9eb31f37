import Foundation
import TestSupport
import Testing

/// `skbpf replay` as users run it: outputs sorted by verdict, totals that add up, verdicts.jsonl,
/// rewrites whose checksums tcpdump calls correct, every corpus capture without a crash, and
/// the exit codes of bad input.
@Suite(.enabled(if: CommandRunner.executable != nil && ExamplePrograms.built,
                "needs the skbpf executable and Programs/build (make -C Programs)"))
struct ReplayCommandTests {
    static let samples = "Programs/samples/samples.pcap"

    func temporaryDirectory() throws -> URL {
        let url = TestScratch.file("replay")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `replay … --json` into a fresh directory: status, summary object, directory.
    func replay(_ arguments: [String]) throws -> (status: Int32, summary: [String: Any], directory: URL, stderr: String) {
        let directory = try temporaryDirectory()
        let out = try CommandRunner.run(["replay"] + arguments + ["--out-dir", directory.path, "--json"])
        let summary = (try? JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8))) as? [String: Any]
        return (out.status, summary ?? [:], directory, out.standardError)
    }

    func verdictLines(_ directory: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: directory.appendingPathComponent("verdicts.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Packets in a capture, as tcpdump counts them (and it must read the file without error).
    func tcpdumpCount(_ file: URL) throws -> Int {
        let out = try ExternalTool.capture(URL(fileURLWithPath: "/usr/bin/tcpdump"), ["--count", "-r", file.path])
        #expect(out.status == 0, "tcpdump -r \(file.lastPathComponent): \(out.standardError)")
        return Int(out.standardOutput.split(separator: " ").first ?? "") ?? -1
    }

    @Test func defaultTopologySendsEverythingRoutableToOut() throws {
        let (status, summary, directory, _) = try replay(["--in", Self.samples])
        #expect(status == 0)
        let totals = try #require(summary["totals"] as? [String: Any])
        #expect(summary["packets"] as? Int == 31)
        #expect(totals["adds_up"] as? Bool == true)
        let sent = try #require(totals["sent"] as? Int), dropped = try #require(totals["dropped"] as? Int)
        #expect(sent + dropped == 31)
        let reasons = try #require(totals["drops_by_reason"] as? [String: Int])
        #expect(reasons["not-ip"] == 2, "the ARP request and the QinQ frame (inner tag left in place)")
        #expect(reasons["ttl-expired"] == 1)
        #expect(try tcpdumpCount(directory.appendingPathComponent("out.pcap")) == sent)
        #expect(try tcpdumpCount(directory.appendingPathComponent("dropped.pcap")) == dropped)
        #expect(try tcpdumpCount(directory.appendingPathComponent("local.pcap")) == 0)
        let lines = try verdictLines(directory)
        #expect(lines.count == 31)
        #expect(lines.map { $0["index"] as? Int } == Array(0..<31))
        let first = try #require(lines.first)
        #expect(first["hooks"] as? [String] == ["ingress", "prerouting", "forward", "postrouting", "egress"])
        #expect(first["verdict"] as? String == "sent")
        #expect(first["device"] as? String == "out")
        #expect(first["rewritten"] as? Bool == false)
    }

    @Test func verdictsCarryEachProgramsReturnValueAndTheDropReason() throws {
        let (status, summary, directory, _) = try replay([
            "--in", Self.samples, "--attach", "ingress=Programs/build/drop_icmp.o",
            "--attach", "egress=Programs/build/flow_counters.o",
        ])
        #expect(status == 0)
        let programs = try #require(summary["programs"] as? [[String: Any]])
        #expect(programs.map { $0["hook"] as? String } == ["ingress", "egress"])
        let lines = try verdictLines(directory)
        let icmp = try #require(lines.first { ($0["reason"] as? String) == "program" })
        #expect(icmp["at"] as? String == "ingress")
        let runs = try #require(icmp["programs"] as? [[String: Any]])
        #expect(runs.first?["ret"] as? Int == 2)
        #expect(runs.first?["program"] as? String == "drop_icmp.o:tc")
        let hooks = try #require(summary["hooks"] as? [String: [String: Int]])
        #expect(hooks["ingress"]?["dropped"] == programs[0]["dropped"] as? Int)
        #expect((programs[1]["runs"] as? Int) == hooks["egress"]?["packets"])
    }

    /// The acceptance check for rewrites: DNAT's output packets have checksums tcpdump -vv calls correct.
    @Test func dnatRewritesHaveCorrectChecksums() throws {
        let (status, _, directory, _) = try replay(["--in", Self.samples, "--attach", "ingress=Programs/build/dnat.o"])
        #expect(status == 0)
        let out = try ExternalTool.capture(URL(fileURLWithPath: "/usr/bin/tcpdump"),
                                           ["-vv", "-n", "-r", directory.appendingPathComponent("out.pcap").path])
        let text = out.standardOutput
        #expect(text.contains("10.0.1.80.8080: Flags [S], cksum 0xdec0 (correct)"))
        #expect(text.contains("> 10.0.1.53.5353: [udp sum ok]"))
        // Every rewritten packet: IP header checksum and L4 checksum correct (TTL 63 after forwarding).
        let records = text.components(separatedBy: "\n").reduce(into: [String]()) { records, line in
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !records.isEmpty { records[records.count - 1] += line } else { records.append(line) }
        }
        let rewritten = records.filter { $0.contains("> 10.0.1.") }
        #expect(rewritten.count >= 5)
        for record in rewritten {
            #expect(record.contains("ttl 63"))
            #expect(!record.contains("bad cksum") && !record.contains("incorrect"), "\(record)")
        }
        let lines = try verdictLines(directory)
        #expect(lines.filter { $0["rewritten"] as? Bool == true }.count == rewritten.count)
    }

    @Test func pipelineFileRoutesByMarkAndDeliversLocally() throws {
        let (status, summary, directory, _) = try replay(["--pipeline", "Programs/pipelines/example.yaml", "--in", Self.samples])
        #expect(status == 0)
        let totals = try #require(summary["totals"] as? [String: Any])
        #expect(totals["adds_up"] as? Bool == true)
        let devices = try #require(summary["devices"] as? [[String: Any]])
        let marked = try #require(devices.first { $0["name"] as? String == "marked" })
        #expect((marked["tx_packets"] as? Int ?? 0) > 0, "UDP (mark 2) takes table 100")
        #expect(try tcpdumpCount(directory.appendingPathComponent("marked.pcap")) == marked["tx_packets"] as? Int)
        for line in try verdictLines(directory) where line["device"] as? String == "marked" {
            #expect(line["mark"] as? Int == 2)
        }
    }

    /// Every capture of the corpus replays through the examples without a crash; the totals add
    /// up; every output opens in tcpdump. A damaged capture ends with exit 1 and complete outputs.
    @Test(.enabled(if: SharedFixtures.root != nil, "../shared/corpus not found"),
          arguments: SharedFixtures.files(under: SharedFixtures.root?.appendingPathComponent("corpus/pcap"), suffix: "pcap")
              + SharedFixtures.files(under: SharedFixtures.root?.appendingPathComponent("corpus/pcap"), suffix: "pcapng"))
    func corpusCaptureReplays(_ capture: URL) throws {
        let (status, summary, directory, stderr) = try replay([
            "--in", capture.path, "--attach", "ingress=Programs/build/classifier.o", "--attach", "ingress=Programs/build/dnat.o",
            "--attach", "prerouting=Programs/build/ttl_guard_v4.o", "--attach", "egress=Programs/build/flow_counters.o",
        ])
        // A file libpcap cannot open at all (tcpdump refuses it too) is a usage error naming it.
        let opens = try ExternalTool.capture(URL(fileURLWithPath: "/usr/bin/tcpdump"), ["--count", "-r", capture.path]).status == 0
            || summary["totals"] != nil
        if !opens {
            #expect(status == 2 && stderr.contains(capture.lastPathComponent), "exit \(status): \(stderr)")
            return
        }
        #expect(status == 0 || (status == 1 && summary["capture_error"] != nil), "exit \(status): \(stderr)")
        let totals = try #require(summary["totals"] as? [String: Any], "no summary: \(stderr)")
        #expect(totals["adds_up"] as? Bool == true)
        let files = try #require(summary["outputs"] as? [String: Int])
        for (path, count) in files where path.hasSuffix(".pcap") {
            #expect(try tcpdumpCount(URL(fileURLWithPath: path)) == count, "\(path)")
        }
        #expect(try verdictLines(directory).count == summary["packets"] as? Int)
        try? FileManager.default.removeItem(at: directory)
    }

    @Test func badInputExitsWithUsageErrors() throws {
        let hook = try CommandRunner.run(["replay", "--in", Self.samples, "--attach", "sideways=Programs/build/pass_all.o"])
        #expect(hook.status == 2)
        #expect(hook.standardError.contains("ingress, prerouting, input, forward, output, postrouting, socket, egress"))
        let missing = try CommandRunner.run(["replay", "--in", "/nonexistent.pcap"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent.pcap"))
        let pipeline = try CommandRunner.temporaryFile(Array("devices:\n  - name: in\n  - nmae: out\n".utf8), suffix: ".yaml")
        let bad = try CommandRunner.run(["replay", "--in", Self.samples, "--pipeline", pipeline.path])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains(":3:"), "names the line: \(bad.standardError)")
    }

    @Test func damagedCaptureKeepsTheOutputsValid() throws {
        let bytes = try Data(contentsOf: SharedFixtures.repositoryRoot.appendingPathComponent(Self.samples))
        let cut = try CommandRunner.temporaryFile(Array(bytes.prefix(bytes.count - 20)), suffix: ".pcap")
        let (status, summary, directory, stderr) = try replay(["--in", cut.path])
        #expect(status == 1)
        #expect(stderr.contains("packet 30"), "names the packet: \(stderr)")
        #expect(summary["packets"] as? Int == 30)
        #expect((summary["totals"] as? [String: Any])?["adds_up"] as? Bool == true)
        #expect(try tcpdumpCount(directory.appendingPathComponent("out.pcap")) > 0)
    }
}
