import Foundation
import TestSupport
import Testing

/// `skbpf verify`: exit 0 with a one-line summary for accepted programs, exit 1 with where, why
/// and how to fix it for rejected ones.
@Suite(.enabled(if: CommandRunner.executable != nil && ExamplePrograms.built,
                "needs the skbpf executable and Programs/build (make -C Programs)"))
struct VerifyCommandTests {
    @Test(arguments: ["classifier", "dnat", "flow_counters", "nat64", "payload_scan", "port_filter", "rate_limit",
                      "trim_headers", "ttl_guard_v4", "vlan_push_pop", "dns_block", "ipip_encap"])
    func everyExampleVerifies(_ name: String) throws {
        let out = try CommandRunner.run(["verify", "Programs/build/\(name).o"].appending(sectionOf: name))
        #expect(out.status == 0, "\(out.standardError)")
        #expect(out.standardOutput.hasPrefix("accepted: "))
    }

    @Test func aMissingBoundsCheckIsExplained() throws {
        let source = """
            r2 = *(u32 *)(r1 + 76)
            r3 = *(u32 *)(r1 + 80)
            r4 = r2
            r4 += 14
            if r4 > r3 goto out
            r0 = *(u8 *)(r2 + 23)
            exit
            out:
            r0 = 0
            exit
            """
        let file = try CommandRunner.temporaryFile(Array(source.utf8), suffix: ".s")
        let out = try CommandRunner.run(["verify", file.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains("insn 5: w0 = *(u8 *)(r2 + 0x17)"))
        #expect(out.standardError.contains("invalid access to packet, off=23 size=1, R2(id=0,off=23,r=14)"))
        #expect(out.standardError.contains("hint: check `data + 24 <= data_end`"))
        #expect(out.standardError.contains("state: "))
    }

    @Test func strictRefusesWhatRootMayDo() throws {
        let file = try CommandRunner.temporaryFile(Array("r0 = r1\nexit\n".utf8), suffix: ".s")
        #expect(try CommandRunner.run(["verify", file.path]).status == 0)
        let strict = try CommandRunner.run(["verify", file.path, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.standardError.contains("R0 leaks addr as return value"))
    }

    @Test func logPrintsTheStateTrace() throws {
        let file = try CommandRunner.temporaryFile(Array("r0 = 0\nexit\n".utf8), suffix: ".s")
        let out = try CommandRunner.run(["verify", file.path, "--log"])
        #expect(out.standardOutput.contains("0: R1=ctx() R10=fp0"))
    }
}

private extension Array where Element == String {
    /// Objects with programs in several sections name the one to verify.
    func appending(sectionOf name: String) -> [String] {
        switch name {
        case "ringbuf_logger", "tail_dispatch": self + ["--section", "tc"]
        default: self
        }
    }
}
