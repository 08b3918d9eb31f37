import Foundation
import TestSupport
import Testing

/// `skbpf replay --filter EXPR [--matched-out FILE]` and pipeline `filter:` attachments: the
/// expression as the first program at ingress, seeing each packet as captured; verdicts.jsonl
/// saying which packets matched; the matched capture byte for byte what `tcpdump -w` writes.
@Suite(.enabled(if: CommandRunner.executable != nil, "needs the skbpf executable (swift build)"))
struct ReplayFilterTests {
    static let samples = "Programs/samples/samples.pcap"
    static let tcpdump = URL(fileURLWithPath: "/usr/bin/tcpdump")
    static let hasTcpdump = FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump")

    func temporaryDirectory() throws -> URL {
        let url = TestScratch.file("filter")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func verdictLines(_ directory: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: directory.appendingPathComponent("verdicts.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Indices of the packets `tcpdump -r FILE EXPR` prints, found by their timestamps (tcpdump
    /// numbers only what it prints; the sample capture's timestamps are all different).
    func tcpdumpIndices(_ file: String, _ expression: String) throws -> [Int] {
        func timestamps(_ arguments: [String]) throws -> [Substring] {
            let out = try ExternalTool.capture(Self.tcpdump, ["-tt", "-n", "-r", file] + arguments, in: SharedFixtures.repositoryRoot)
            return out.standardOutput.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        }
        let all = try timestamps([])
        #expect(Set(all).count == all.count, "\(file): timestamps repeat")
        return try timestamps([expression]).compactMap { all.firstIndex(of: $0) }
    }

    @Test(.enabled(if: hasTcpdump, "needs tcpdump"), arguments: ["tcp", "udp and not port 53", "ip6", "arp or icmp", "greater 100"])
    func matchedPacketsAreTcpdumps(_ expression: String) throws {
        let directory = try temporaryDirectory()
        let matchedOut = directory.appendingPathComponent("matched.pcap").path
        let out = try CommandRunner.run(["replay", "--in", Self.samples, "--filter", expression, "--matched-out", matchedOut,
                                         "--out-dir", directory.path])
        #expect(out.status == 0, "\(out.standardError)")
        let lines = try verdictLines(directory)
        #expect(lines.map { $0["index"] as? Int } == Array(0..<lines.count))
        let matched = lines.filter { $0["matched"] as? Bool == true }.map { $0["index"] as! Int }
        #expect(matched == (try tcpdumpIndices(Self.samples, expression)), "'\(expression)'")
        for line in lines {
            if line["matched"] as? Bool == false {
                // Refused: it never entered the datapath; the line says only that.
                #expect(line.count == 5 && line["verdict"] as? String == "dropped" && line["reason"] as? String == "filtered"
                        && line["at"] as? String == "ingress")
            } else {
                let programs = try #require(line["programs"] as? [[String: Any]])
                #expect(programs.first?["program"] as? String == "filter '\(expression)'")
                #expect(programs.first?["hook"] as? String == "ingress" && (programs.first?["ret"] as? Int ?? 0) != 0)
            }
        }
        // Refused packets are counted, not written: dropped.pcap holds only the datapath's drops.
        let summaryOut = try CommandRunner.run(["replay", "--in", Self.samples, "--filter", expression, "--json",
                                                "--out-dir", directory.appendingPathComponent("again").path])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(summaryOut.standardOutput.utf8)) as? [String: Any])
        let totals = try #require(summary["totals"] as? [String: Any])
        let reasons = try #require(totals["drops_by_reason"] as? [String: Int])
        #expect(reasons["filtered"] ?? 0 == lines.count - matched.count)
        #expect(totals["adds_up"] as? Bool == true)
        let droppedCapture = directory.appendingPathComponent("again/dropped.pcap").path
        let written = try ExternalTool.capture(Self.tcpdump, ["--count", "-r", droppedCapture])
        let droppedCount = Int(written.standardOutput.split(separator: " ").first ?? "") ?? -1
        #expect(droppedCount == (totals["dropped"] as? Int ?? 0) - (reasons["filtered"] ?? 0))
        // Byte for byte what tcpdump -w writes.
        let theirs = directory.appendingPathComponent("tcpdump.pcap").path
        _ = try ExternalTool.capture(Self.tcpdump, ["-r", Self.samples, "-w", theirs, expression], in: SharedFixtures.repositoryRoot)
        #expect(FileManager.default.contents(atPath: matchedOut) == FileManager.default.contents(atPath: theirs))
    }

    /// The filter sees VLAN tags where the capture has them (the datapath would take them out
    /// before ingress), judges captures whose link type the datapath cannot take in, and is
    /// compiled with the capture's own handle (a BSD loopback file's IPv6 families): libpcap's
    /// indices from ../shared/corpus/expected.json.
    @Test(.enabled(if: SharedFixtures.root != nil, "../shared/corpus not found"))
    func seesTheCaptureAsCaptured() throws {
        let corpus = try #require(SharedFixtures.root).appendingPathComponent("corpus")
        let expected = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: corpus.appendingPathComponent("expected.json"))) as? [String: Any])
        let pcaps = try #require(expected["pcaps"] as? [String: [String: Any]])
        let cases: [(file: String, expression: String)] = [("802.1ad_QinQ.pcap", "vlan"), ("HDLC.pcap", "icmp[icmptype] == icmp-echo"),
                                                             ("quic_handshake.pcap", "port 80 or port 443")]
        for test in cases {
            let results = try #require(pcaps[test.file]?["results"] as? [String: [String: Any]])
            let indices = try #require(results[test.expression]?["indices"] as? [Int])
            let directory = try temporaryDirectory()
            let file = corpus.appendingPathComponent("pcap/\(test.file)").path
            let out = try CommandRunner.run(["replay", "--in", file, "--filter", test.expression, "--out-dir", directory.path])
            #expect(out.status == 0, "\(out.standardError)")
            let matched = try verdictLines(directory).filter { $0["matched"] as? Bool == true }.map { $0["index"] as! Int }
            #expect(!indices.isEmpty && matched == indices, "\(test.file) '\(test.expression)'")
        }
    }

    /// `--filter E --matched-out F` without `--out-dir` is `tcpdump -r IN -w F E`: the matched
    /// capture is the only file written, and the summary still accounts for every packet.
    @Test(.enabled(if: hasTcpdump, "needs tcpdump"))
    func matchedOutAloneWritesOnlyTheMatchedCapture() throws {
        let directory = try temporaryDirectory()
        let matchedOut = directory.appendingPathComponent("m.pcap").path
        let samples = SharedFixtures.repositoryRoot.appendingPathComponent(Self.samples).path
        let out = try CommandRunner.run(["replay", "--in", samples, "--filter", "udp", "--matched-out", matchedOut, "--json"],
                                        in: directory)
        #expect(out.status == 0, "\(out.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.pcap"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as? [String: Any])
        let outputs = try #require(summary["outputs"] as? [String: Int])
        let expected = try tcpdumpIndices(Self.samples, "udp").count
        #expect(outputs == [matchedOut: expected])
        #expect((summary["totals"] as? [String: Any])?["adds_up"] as? Bool == true)
        let theirs = directory.appendingPathComponent("tcpdump.pcap").path
        _ = try ExternalTool.capture(Self.tcpdump, ["-r", Self.samples, "-w", theirs, "udp"], in: SharedFixtures.repositoryRoot)
        #expect(FileManager.default.contents(atPath: matchedOut) == FileManager.default.contents(atPath: theirs))
    }

    @Test func errors() throws {
        let syntax = try CommandRunner.run(["replay", "--in", Self.samples, "--filter", "tcp port http-ish", "--out-dir",
                                            try temporaryDirectory().path])
        #expect(syntax.status == 1)
        #expect(syntax.standardError.contains("'tcp port http-ish' (EN10MB): "), "\(syntax.standardError)")
        let alone = try CommandRunner.run(["replay", "--in", Self.samples, "--matched-out", "/tmp/x.pcap"])
        #expect(alone.status == 2 && alone.standardError.contains("--matched-out needs --filter"))
        let unwritable = try CommandRunner.run(["replay", "--in", Self.samples, "--filter", "tcp", "--matched-out",
                                                "/nonexistent/dir/m.pcap", "--out-dir", try temporaryDirectory().path])
        #expect(unwritable.status == 2 && unwritable.standardError.contains("--matched-out"))
    }

    /// A pipeline attachment naming an expression: compiled for what its hook sees (raw IP at
    /// the netfilter hooks, from the network header).
    @Test func pipelineFilterAttachment() throws {
        let directory = try temporaryDirectory()
        let pipeline = directory.appendingPathComponent("p.yaml")
        try """
            attach:
              - hook: prerouting
                filter: udp and dst port 53
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        let out = try CommandRunner.run(["replay", "--pipeline", pipeline.path, "--in", Self.samples, "--out-dir", directory.path])
        #expect(out.status == 0, "\(out.standardError)")
        let lines = try verdictLines(directory)
        let passed = lines.filter { line in
            (line["programs"] as? [[String: Any]])?.contains { $0["hook"] as? String == "prerouting" && ($0["ret"] as? Int ?? 0) != 0 } == true
        }.map { $0["index"] as! Int }
        // The DNS queries; the QinQ one (25) keeps its inner tag and never reaches prerouting.
        #expect(passed == [1, 9, 10, 11, 12, 13, 15, 16, 28])
        for line in lines where (line["hooks"] as? [String])?.contains("prerouting") == true {
            #expect(line["matched"] == nil, "only --filter adds 'matched'")
        }
    }
}
