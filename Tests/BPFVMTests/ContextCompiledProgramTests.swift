import BPFABI
import BPFISA
import BPFVM
import Foundation
import PacketBuffer
import TestSupport
import Testing

/// C programs compiled by clang for Linux, run on the sample frames as `BPF_PROG_TEST_RUN` prepares them.
enum BPFToolchain {
    static let clang = "/opt/swift/usr/bin/clang"
    static let objcopy = "/opt/swift/usr/bin/llvm-objcopy"
    static var exists: Bool {
        FileManager.default.isExecutableFile(atPath: clang) && FileManager.default.isExecutableFile(atPath: objcopy)
    }
}

@Suite(.enabled(if: BPFToolchain.exists, "clang/llvm-objcopy not found in /opt/swift/usr/bin"))
struct ContextCompiledProgramTests {
    static let clang = BPFToolchain.clang
    static let objcopy = BPFToolchain.objcopy
    static let programs = SharedFixtures.repositoryRoot.appendingPathComponent("Programs")

    /// Compiles `file` (or `source`) and returns the code of its section `section`.
    /// The programs here have no relocations, so the section's bytes are the program.
    private func compile(file: URL? = nil, source: String? = nil, section: String = "tc") throws -> Program {
        let directory = TestScratch.file("ctx")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var input = file
        if let source {
            input = directory.appendingPathComponent("prog.c")
            try source.write(to: input!, atomically: true, encoding: .utf8)
        }
        let object = directory.appendingPathComponent("prog.o"), code = directory.appendingPathComponent("prog.bin")
        try ExternalTool.run(Self.clang, ["-target", "bpf", "-O2", "-c", "-I", Self.programs.appendingPathComponent("c/include").path,
                                          input!.path, "-o", object.path])
        try ExternalTool.run(Self.objcopy, ["-O", "binary", "--only-section=\(section)", object.path, code.path])
        return try Program(decoding: [UInt8](Data(contentsOf: code)))
    }

    private func frame(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.programs.appendingPathComponent("samples/\(name).bin")))
    }

    private func run(_ program: Program, frame name: String, type: ProgramType = .schedCls,
                     mode: ExecutionMode = .checked) throws -> (UInt64, SkBuff) {
        let skb = SkBuff(capacity: 2048)
        try TestRunFrame.prepare(skb, frame: try frame(name), type: type, context: TestRunContext())
        let interpreter = Interpreter(program: try ExecutableProgram(program, mode: mode, programType: type))
        return (try interpreter.run(context: skb).returnValue, skb)
    }

    static let samples = ["icmp_echo", "tcp_syn_port80", "udp_dns_query"]

    @Test(arguments: samples, [ExecutionMode.checked, .unchecked])
    func dropICMP(sample: String, mode: ExecutionMode) throws {
        let program = try compile(file: Self.programs.appendingPathComponent("c/drop_icmp.c"))
        let (verdict, _) = try run(program, frame: sample, mode: mode)
        #expect(verdict == (sample == "icmp_echo" ? UInt64(TCAction.shot.rawValue) : UInt64(TCAction.ok.rawValue)))
    }

    @Test(arguments: samples)
    func classifierMarksByProtocol(sample: String) throws {
        let program = try compile(file: Self.programs.appendingPathComponent("c/classifier.c"))
        let (verdict, skb) = try run(program, frame: sample)
        #expect(verdict == UInt64(TCAction.ok.rawValue))
        let expectedMark: UInt32 = switch sample {
        case "tcp_syn_port80": 1
        case "udp_dns_query": 2
        default: 0
        }
        #expect(skb.mark == expectedMark)
    }

    static let fieldProgram = """
        #include "skbpf.h"
        SEC("tc") int fields(struct __sk_buff *skb) {
            skb->cb[0] = skb->len;
            skb->cb[1] = skb->protocol;
            skb->cb[2] = skb->pkt_type;
            skb->cb[3] = skb->wire_len;
            skb->priority = skb->mark + 1;
            skb->tc_index = skb->ifindex;
            skb->tc_classid = 0x10002;
            return *((volatile __u8 *)&skb->priority + 1);
        }
        SEC("socket") int keep(struct __sk_buff *skb) {
            skb->cb[4] = skb->len;
            return skb->protocol == __builtin_bswap16(0x0800) ? 40 : 0;
        }
        char _license[] SEC("license") = "GPL";
        """

    @Test func compiledFieldAccesses() throws {
        let program = try compile(source: Self.fieldProgram)
        let skb = SkBuff(capacity: 2048)
        var context = TestRunContext()
        context.mark = 0x1ff
        try TestRunFrame.prepare(skb, frame: try frame("tcp_syn_port80"), type: .schedCls, context: context)
        let interpreter = Interpreter(program: try ExecutableProgram(program, programType: .schedCls))
        #expect(try interpreter.run(context: skb).returnValue == 2)  // byte 1 of priority 0x200
        #expect(skb.programControlBlockWord(0) == 54)
        #expect(skb.programControlBlockWord(1) == 0x0008)
        #expect(skb.programControlBlockWord(2) == 3)  // PACKET_OTHERHOST
        #expect(skb.programControlBlockWord(3) == 54)
        #expect(skb.priority == 0x200)
        #expect(skb.tcIndex == 1)
        #expect(skb.tcClassID == 2)
    }

    @Test func compiledSocketFilter() throws {
        let program = try compile(source: Self.fieldProgram, section: "socket")
        let (kept, skb) = try run(program, frame: "udp_dns_query", type: .socketFilter)
        #expect(kept == 40)
        #expect(skb.programControlBlockWord(4) == 71 - 14)
    }

    @Test func compiledForbiddenWriteIsALoadError() throws {
        let program = try compile(source: """
            #include "skbpf.h"
            SEC("tc") int bad(struct __sk_buff *skb) { skb->len = 3; return 0; }
            """)
        #expect(throws: LoadError.self) { try ExecutableProgram(program, programType: .schedCls) }
        do {
            _ = try ExecutableProgram(program, programType: .schedCls)
        } catch {
            #expect(error.description.hasSuffix("invalid bpf_context access off=0 size=4"))
        }
    }
}
