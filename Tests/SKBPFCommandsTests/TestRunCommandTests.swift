import Foundation
import TestSupport
import Testing

/// `skbpf test-run` as users call it: the JSON contract (kernel_oracle.py's field names), the
/// text output, trace lines, ring buffer events and the exit codes of bad input.
/// Whether the example programs were built (`make -C Programs`).
enum ExamplePrograms {
    static let build = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/build")
    static let built = FileManager.default.fileExists(atPath: build.appendingPathComponent("mark_by_port.o").path)
}

@Suite(.enabled(if: CommandRunner.executable != nil && ExamplePrograms.built,
                "needs the skbpf executable and Programs/build (make -C Programs)"))
struct TestRunCommandTests {

    func object(_ name: String) -> String { "Programs/build/\(name).o" }
    func sample(_ name: String) -> String { "Programs/samples/\(name).bin" }

    func json(_ arguments: [String]) throws -> (status: Int32, object: [String: Any]) {
        let out = try CommandRunner.run(["test-run"] + arguments + ["--json"])
        let object = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as? [String: Any]
        return (out.status, object ?? [:])
    }

    @Test func jsonHasTheOracleFields() throws {
        let (status, result) = try json([object("mark_by_port"), "--packet", sample("tcp_syn_port80"), "--dump-maps"])
        #expect(status == 0)
        #expect(result["loaded"] as? Bool == true)
        #expect(result["prog_type"] as? String == "sched_cls")
        #expect(result["retval"] as? Int == 0)
        let frame = try Data(contentsOf: SharedFixtures.repositoryRoot.appendingPathComponent(sample("tcp_syn_port80")))
        #expect(result["data_out"] as? String == frame.map { String(format: "%02x", $0) }.joined())
        #expect(result["data_size_out"] as? Int == frame.count)
        #expect(result["data_changed"] as? Bool == false)
        let context = try #require(result["ctx_out"] as? [String: Any])
        #expect(context["mark"] as? Int == 80)
        #expect(context["priority"] as? Int == 2)
        #expect(context["ifindex"] as? Int == 1)
        #expect(context["wire_len"] as? Int == frame.count)
        #expect(context["len"] as? Int == 0, "the kernel does not copy len back")
        #expect((context["cb"] as? [Int])?.count == 5)
        #expect(result["duration_ns"] is Int)
        #expect(result["repeat"] as? Int == 1)
        #expect(result["maps"] is [String: Any])
        let skb = try #require(result["skb"] as? [String: Any])
        #expect(skb["len"] as? Int == frame.count)
        #expect(skb["protocol"] as? Int == 8, "htons(ETH_P_IP) as the program reads it")
    }

    @Test func textOutputNamesTheVerdict() throws {
        let out = try CommandRunner.run(["test-run", object("drop_icmp"), "--packet", sample("icmp_echo")])
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("retval 2 (TC_ACT_SHOT: drop the packet)"))
        #expect(out.standardOutput.contains("data_out unchanged"))
    }

    @Test func socketFilterSeesTheNetworkHeaderAndGetsZeroedMACBytes() throws {
        let (status, result) = try json([object("trim_headers"), "--packet", sample("tcp_http_get")])
        #expect(status == 0)
        let data = try #require(result["data_out"] as? String)
        #expect(data.hasPrefix(String(repeating: "00", count: 14)))
        #expect(result["prog_type"] as? String == "socket_filter")
    }

    @Test func ctxInFeedsTheProgramAndRefusesWhatTheKernelRefuses() throws {
        let (status, result) = try json([object("pass_all"), "--packet", sample("icmp_echo"), "--ctx-in", #"{"mark": 7, "cb": [1, 2, 3, 4, 5]}"#])
        #expect(status == 0)
        let context = try #require(result["ctx_out"] as? [String: Any])
        #expect(context["mark"] as? Int == 7)
        #expect(context["cb"] as? [Int] == [1, 2, 3, 4, 5])
        let refused = try CommandRunner.run(["test-run", object("pass_all"), "--packet", sample("icmp_echo"), "--ctx-in", #"{"len": 3}"#])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("'len' cannot be set"))
    }

    @Test func mapSetPrefillsAndDumpMapsShowsIt() throws {
        // flow_counters: a hash map keyed by the flow; repeat 3 counts three packets.
        let (status, result) = try json([object("flow_counters"), "--packet", sample("udp_dns_query"), "--repeat", "3", "--dump-maps"])
        #expect(status == 0)
        let maps = try #require(result["maps"] as? [String: Any])
        #expect(!maps.isEmpty)
        let bad = try CommandRunner.run(["test-run", object("flow_counters"), "--packet", sample("udp_dns_query"),
                                         "--map-set", "nosuchmap:00:00"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("nosuchmap"))
    }

    @Test func tracePrintkLinesGoToTheTraceSink() throws {
        let out = try CommandRunner.run(["test-run", object("dns_block"), "--packet", sample("udp_dns_blocked")])
        #expect(out.status == 0)
        #expect(out.standardError.contains("trace: dns_block: dropped query for entry 0"))
        let (_, result) = try json([object("dns_block"), "--packet", sample("udp_dns_blocked")])
        #expect(result["trace"] as? [String] == ["dns_block: dropped query for entry 0"])
    }

    @Test func ringBufferRecordsAreDumpedAndWrittenAsEvents() throws {
        let events = TestScratch.file("events", suffix: ".jsonl")
        let out = try CommandRunner.run(["test-run", object("ringbuf_logger"), "--section", "tc", "--packet",
                                         sample("udp_dns_query"), "--repeat", "2", "--events", events.path])
        #expect(out.status == 0)
        let lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""map": "events""#) == true)
    }

    @Test func tailCallsReachTheProgramsOfTheProgArray() throws {
        let (_, filled) = try json([object("tail_dispatch"), "--section", "tc", "--packet", sample("tcp_syn_port80")])
        #expect((filled["ctx_out"] as? [String: Any])?["mark"] as? Int == 0x601)
        let (_, empty) = try json([object("tail_dispatch"), "--section", "tc", "--packet", sample("tcp_syn_port80"),
                                   "--no-prog-array-init"])
        #expect((empty["ctx_out"] as? [String: Any])?["mark"] as? Int == 0xff, "an empty slot falls through")
    }

    @Test func badInputGetsUsageErrors() throws {
        let missing = try CommandRunner.run(["test-run", object("pass_all"), "--packet", "/nonexistent.bin"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent.bin: no such file"))
        let section = try CommandRunner.run(["test-run", object("pass_all"), "--section", "nope", "--packet", sample("icmp_echo")])
        #expect(section.status == 2)
        #expect(section.standardError.contains("no section 'nope'"))
        let short = try CommandRunner.temporaryFile([1, 2, 3])
        let tiny = try CommandRunner.run(["test-run", object("pass_all"), "--packet", short.path])
        #expect(tiny.status == 2)
        #expect(tiny.standardError.contains("shorter than an Ethernet header"))
        let notELF = try CommandRunner.run(["test-run", sample("icmp_echo"), "--packet", sample("icmp_echo")])
        #expect(notELF.status == 2)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/opt/swift/usr/bin/clang"), "clang not found"))
    func aHelperTheTypeCannotCallIsRefusedWithTheKernelsWords() throws {
        // A socket filter may not call bpf_skb_store_bytes (a tc helper).
        let source = """
            #include <linux/bpf.h>
            static long (*bpf_skb_store_bytes)(void *, __u32, const void *, __u32, __u64) = (void *)9;
            __attribute__((section("socket"), used)) int store(struct __sk_buff *skb) {
                char byte = 1;
                bpf_skb_store_bytes(skb, 0, &byte, 1, 0);
                return 0;
            }
            char _license[] __attribute__((section("license"), used)) = "GPL";
            """
        let directory = TestScratch.file("testrun")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try source.write(to: directory.appendingPathComponent("store.c"), atomically: true, encoding: .utf8)
        try ExternalTool.run("/opt/swift/usr/bin/clang", ["-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                                                          "-c", "store.c", "-o", "store.o"], in: directory)
        let (status, result) = try json([directory.appendingPathComponent("store.o").path, "--packet", sample("icmp_echo")])
        #expect(status == 1)
        #expect(result["loaded"] as? Bool == false)
        let error = try #require(result["error"] as? String)
        #expect(error.contains("program of this type cannot use helper bpf_skb_store_bytes#9"))
        #expect((result["verifier"] as? String)?.contains("store.c:5") == true, "names the source line")
    }
}

/// Every program x packet case of Programs/cases.json through `skbpf test-run`, compared with the
/// kernel's answers recorded there, and — as root with ../shared — with the kernel itself, live.
@Suite(.enabled(if: CommandRunner.executable != nil && ExamplePrograms.built,
                "needs the skbpf executable and Programs/build (make -C Programs)"))
struct TestRunDifferentialTests {
    static let table = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/tools/kernel_table.py").path
    nonisolated(unsafe) static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let oracle = SharedFixtures.root?.appendingPathComponent("tools/kernel_oracle.py").path
    static let canRunKernel = getuid() == 0 && oracle.map { FileManager.default.fileExists(atPath: $0) } == true

    func table(_ arguments: [String]) throws -> (status: Int32, standardOutput: String) {
        var environment = ProcessInfo.processInfo.environment
        if let oracle = Self.oracle { environment["KERNEL_ORACLE"] = oracle }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = [Self.table] + arguments + ["--skbpf", try #require(CommandRunner.executable).path]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: python != nil, "python3 not found"))
    func skbpfGivesTheRecordedKernelAnswers() throws {
        let out = try table(["--engine", "skbpf"])
        #expect(out.status == 0, "\(out.standardOutput)")
        #expect(out.standardOutput.contains(" 0 differ from cases.json"))
    }

    @Test(.enabled(if: python != nil && canRunKernel, "needs root, python3 and ../shared/tools/kernel_oracle.py"))
    func skbpfAndTheKernelAgreeCaseByCase() throws {
        let out = try table(["--compare"])
        if out.standardOutput.contains("EPERM") || out.standardOutput.contains("Operation not permitted") {
            print("note: the kernel refuses BPF here; comparison skipped")
            return
        }
        #expect(out.status == 0, "\(out.standardOutput)")
        #expect(out.standardOutput.contains(" 0 differ between the kernel and skbpf"))
    }
}
