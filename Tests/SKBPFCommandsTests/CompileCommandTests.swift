import Foundation
import TestSupport
import Testing

/// `skbpf compile`: tcpdump's own programs in tcpdump's own formats, the translation in the
/// others, libpcap's errors word for word; classic files wherever programs load.
@Suite(.enabled(if: CommandRunner.executable != nil, "needs the skbpf executable (swift build)"))
struct CompileCommandTests {
    static let samples = "Programs/samples/samples.pcap"
    static let tcpdump = URL(fileURLWithPath: "/usr/bin/tcpdump")

    func skbpf(_ arguments: [String]) throws -> CommandRunner.Output { try CommandRunner.run(arguments) }

    func temporaryFile(_ name: String) -> String {
        TestScratch.file("compile", suffix: "-\(name)").path
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump"), "needs tcpdump"),
          arguments: ["tcp", "tcp dst port 80", "not port 22 and (udp or icmp)", "ip6 protochain 6", "vlan and host 10.77.0.2", "",
                      "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "less 100"])
    func sameProgramsAsTcpdump(_ expression: String) throws {
        for (format, flag) in [("cbpf", "-ddd"), ("c", "-dd")] {
            let ours = try skbpf(["compile", expression, "--format", format])  // the sample's snaplen is the default
            #expect(ours.status == 0, "\(ours.standardError)")
            let theirs = try ExternalTool.capture(Self.tcpdump, [flag, "-r", Self.samples, expression],
                                                  in: SharedFixtures.repositoryRoot)
            #expect(ours.standardOutput == theirs.standardOutput, "\(format) '\(expression)'")
        }
    }

    @Test func wordsAreJoinedAsTcpdumpJoinsThem() throws {
        let joined = try skbpf(["compile", "tcp", "dst", "port", "80"])
        let single = try skbpf(["compile", "tcp dst port 80"])
        #expect(joined.status == 0 && joined.standardOutput == single.standardOutput)
    }

    /// Each output format loads where programs load, and the eBPF ones are the same program.
    @Test func everyFormatLoads() throws {
        let expression = "tcp dst port 80"
        var files: [String: String] = [:]
        for (format, name) in [("cbpf", "p.txt"), ("c", "p.c"), ("raw", "p.cbpf"), ("ebpf", "p.bin"), ("asm", "p.s")] {
            let path = temporaryFile(name)
            let out = try skbpf(["compile", expression, "--format", format, "-o", path])
            #expect(out.status == 0, "\(format): \(out.standardError)")
            files[format] = path
        }
        for (format, path) in files {
            let verify = try skbpf(["verify", path, "--type", "socket_filter"])
            #expect(verify.status == 0 && verify.standardOutput.hasPrefix("accepted"), "\(format): \(verify.standardError)")
        }
        let assembled = temporaryFile("assembled.bin")
        #expect(try skbpf(["asm", files["asm"]!, "-o", assembled]).status == 0)
        #expect(FileManager.default.contents(atPath: assembled) == FileManager.default.contents(atPath: files["ebpf"]!))
        // The classic files disassemble as their translation: the same listing as the eBPF file.
        let listing = try skbpf(["disasm", files["ebpf"]!]).standardOutput
        for format in ["cbpf", "c", "raw"] {
            #expect(try skbpf(["disasm", files[format]!]).standardOutput == listing, "\(format)")
        }
    }

    @Test func libpcapErrorsVerbatim() throws {
        let syntax = try skbpf(["compile", "tcp dstport 80"])
        #expect(syntax.status == 1)
        #expect(syntax.standardError == "skbpf: error: 'tcp dstport 80' (EN10MB): can't parse filter expression: syntax error\n")
        let vlan = try skbpf(["compile", "vlan", "--linktype", "LINUX_SLL"])
        #expect(vlan.status == 1 && vlan.standardError.contains("no VLAN support for Linux cooked v1"))
        let rejects = try skbpf(["compile", "arp", "--linktype", "RAW"])
        #expect(rejects.status == 1 && rejects.standardError.contains("expression rejects all packets"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let linktype = try skbpf(["compile", "tcp", "--linktype", "NOSUCH"])
        #expect(linktype.status == 2 && linktype.standardError.contains("'NOSUCH' is not a link type libpcap knows"))
        let format = try skbpf(["compile", "tcp", "--format", "pdf"])
        #expect(format.status == 2)
        let snaplen = try skbpf(["compile", "tcp", "--snaplen", "0"])
        #expect(snaplen.status == 2 && snaplen.standardError.contains("--snaplen"))
    }

    @Test func linkTypesByNameOrNumber() throws {
        let byName = try skbpf(["compile", "ip", "--linktype", "LINUX_SLL"])
        let byNumber = try skbpf(["compile", "ip", "--linktype", "113"])
        #expect(byName.status == 0 && byName.standardOutput == byNumber.standardOutput)
        #expect(byName.standardOutput.contains("40 0 0 14\n"), "the SLL protocol field")
    }

    /// Damaged or refused classic files: where and why, exit 1, never a crash.
    @Test func classicFileErrors() throws {
        let cases: [(text: String, name: String, message: String)] = [
            ("2\n40 0 12\n6 0 0 1\n", "short.txt", "short.txt:2:1: expected 'code jt jf k' (4 numbers), found 3 numbers"),
            ("1\n52 0 0 0\n", "div.txt", "div.txt: insn 0: division by the constant 0"),
            ("{ 0x6, 0, 0, 1 }, { 0x6 }", "open.c", "open.c:1:25: expected ',', found '}'"),
            ("2\n21 0 5 1\n6 0 0 1\n", "jump.txt", "jump.txt: insn 0: jump if false to insn 6 is past the last instruction (1)"),
        ]
        for test in cases {
            let path = TestScratch.root.appendingPathComponent(test.name).path
            FileManager.default.createFile(atPath: path, contents: Data(test.text.utf8))
            let out = try skbpf(["verify", path])
            #expect(out.status == 1, "\(test.name)")
            #expect(out.standardError.contains(test.message.replacingOccurrences(of: test.name, with: path)), "\(out.standardError)")
        }
        let odd = temporaryFile("odd.cbpf")
        FileManager.default.createFile(atPath: odd, contents: Data([6, 0, 0, 0, 1, 0, 0, 0, 6]))
        let out = try skbpf(["verify", odd])
        #expect(out.status == 1 && out.standardError.contains("record 1: length 9 is not a multiple of 8"))
    }
}
