import Foundation
import TestSupport
import Testing

/// The CLI as users call it: output, messages and the exit-code contract
/// (0 ok, 1 program/test failed or rejected, 2 bad usage or unreadable input).
@Suite(.enabled(if: CommandRunner.executable != nil, "the skbpf executable was not built next to the tests"))
struct CommandLineTests {
    let sample = "Programs/samples/tcp_syn_port80.bin"
    let tcpPort80 = "Programs/asm/tcp_port_80.s"

    @Test func runPrintsReturnValueAndInstructionCount() throws {
        let out = try CommandRunner.run(["run", tcpPort80, "--mem", sample])
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("retval 0x1 (1)"))
        #expect(out.standardOutput.contains("instructions_executed "))
    }

    @Test func runJSONHasTheContractFields() throws {
        let out = try CommandRunner.run(["run", tcpPort80, "--mem", sample, "--repeat", "1000", "--json"])
        #expect(out.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as? [String: Any]
        #expect(object?["retval"] as? Int == 1)
        #expect((object?["instructions_executed"] as? Int ?? 0) > 10)
        #expect(object?["ns_per_run"] is Double || object?["ns_per_run"] is Int)
    }

    @Test func runWithMemHex() throws {
        let program = try CommandRunner.temporaryFile(Array("ldxh %r0, [%r1+1]\nexit\n".utf8), suffix: ".s")
        let out = try CommandRunner.run(["run", program.path, "--mem-hex", "aa bb cc dd"])
        #expect(out.standardOutput.contains("retval 0xccbb"))
    }

    @Test func asmThenDisasmRoundTrips() throws {
        let bin = TestScratch.file("test", suffix: ".bin")
        #expect(try CommandRunner.run(["asm", tcpPort80, "-o", bin.path]).status == 0)
        let listing = try CommandRunner.run(["disasm", bin.path])
        #expect(listing.status == 0)
        #expect(listing.standardOutput.contains("if r2 < 0x22 goto"))
        let again = try CommandRunner.temporaryFile(Array(listing.standardOutput.utf8), suffix: ".s")
        let bin2 = TestScratch.file("test", suffix: ".bin")
        #expect(try CommandRunner.run(["asm", again.path, "-o", bin2.path]).status == 0)
        #expect(try Data(contentsOf: bin) == Data(contentsOf: bin2))
    }

    @Test func conformanceDialectDisassembly() throws {
        let out = try CommandRunner.run(["disasm", tcpPort80, "--dialect", "conformance"])
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("mov %r0, 0"))
    }

    @Test func disasmOfAnObjectListsSections() throws {
        let object = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/build/drop_icmp.o")
        try #require(FileManager.default.fileExists(atPath: object.path), "run `make -C Programs` first")
        let out = try CommandRunner.run(["disasm", object.path])
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("Disassembly of section tc:"))
        #expect(out.standardOutput.contains("<drop_icmp>:"))
    }

    // Bad input: a clear message, exit 1 or 2, never a crash.

    @Test func emptyFileIsUnreadableInput() throws {
        let empty = try CommandRunner.temporaryFile([])
        let out = try CommandRunner.run(["run", empty.path])
        #expect(out.status == 2)
        #expect(out.standardError.contains("file is empty"))
    }

    @Test func missingFileIsUnreadableInput() throws {
        let out = try CommandRunner.run(["disasm", "/nonexistent/prog.o"])
        #expect(out.status == 2)
        #expect(out.standardError.contains("no such file"))
    }

    @Test func truncatedBytecodeIsRejected() throws {
        // An lddw whose second slot is missing, then 3 stray bytes.
        let file = try CommandRunner.temporaryFile([0x18, 0x01, 0, 0, 1, 2, 3, 4, 0x95, 0, 0])
        let out = try CommandRunner.run(["run", file.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains("not a multiple of 8"))
    }

    @Test func garbageBytecodeIsRejectedWithTheSlot() throws {
        let file = try CommandRunner.temporaryFile([0xb7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0x80])
        let out = try CommandRunner.run(["disasm", file.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains("slot 1"))
    }

    @Test func assemblyErrorGivesLineAndColumn() throws {
        let file = try CommandRunner.temporaryFile(Array("mov %r0, 1\nldxq %r0, [%r1]\nexit\n".utf8), suffix: ".s")
        let out = try CommandRunner.run(["asm", file.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains(":2:1: error:"))
        #expect(out.standardError.contains("ldxq"))
    }

    @Test func trapIsReportedAsRejectedRun() throws {
        let file = try CommandRunner.temporaryFile(Array("ldxdw %r0, [%r1+8]\nexit\n".utf8), suffix: ".s")
        let out = try CommandRunner.run(["run", file.path, "--mem-hex", "0102030405060708"])
        #expect(out.status == 1)
        #expect(out.standardError.contains("out-of-bounds read of 8 bytes"))
    }

    @Test func badOptionIsUsageError() throws {
        let out = try CommandRunner.run(["run", tcpPort80, "--repeat", "0"])
        #expect(out.status == 2)
        let unknown = try CommandRunner.run(["frobnicate"])
        #expect(unknown.status == 2)
    }

    @Test func vectorFileWithUnknownSectionFails() throws {
        let vector = try CommandRunner.temporaryFile(Array("-- asm\nmov %r0, 1\nexit\n-- frobnicate\n-- result\n0x1\n".utf8),
                                                     suffix: ".data")
        let out = try CommandRunner.run(["conformance", vector.path])
        #expect(out.status == 1)
        #expect(out.standardOutput.contains("unknown section '-- frobnicate'"))
        #expect(out.standardOutput.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func conformanceReportsPassedAndFailed() throws {
        let good = try CommandRunner.temporaryFile(Array("-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n".utf8), suffix: ".data")
        let bad = try CommandRunner.temporaryFile(Array("-- asm\nmov %r0, 2\nexit\n-- result\n0x1\n".utf8), suffix: ".data")
        let out = try CommandRunner.run(["conformance", good.path, bad.path])
        #expect(out.status == 1)
        #expect(out.standardOutput.contains("returned 0x2, expected 0x1"))
        #expect(out.standardOutput.hasSuffix("1 passed, 1 failed\n"))
    }
}
