import BPFISA
import Foundation
import TestSupport
import Testing

/// Every `-- asm` section of every vector under `../shared/conformance`, the `.asm` programs
/// those vectors include, and the benchmark programs in `../shared/bench`.
@Suite struct AssemblerVectorTests {
    static let vectors = SharedFixtures.files(under: SharedFixtures.conformance, suffix: ".data")
        .filter { AssemblerVectorFile(url: $0)?.assembly != nil }
    static let programFiles =
        SharedFixtures.files(under: SharedFixtures.conformance, suffix: ".asm")
        + SharedFixtures.files(under: SharedFixtures.root?.appendingPathComponent("bench"), suffix: ".asm")

    /// Vectors whose assembly must be refused, with the exact diagnostic (line numbers are the
    /// vector file's). The bpf_conformance negative vectors that are assembler errors, and the
    /// uBPF error vectors whose program the structural check already refuses.
    static let rejected: [String: String] = [
        "bpf_conformance/negative/invalid_imm32_dec_range.data":
            "5:12: error: immediate 2147483648 out of 32-bit range",
        "bpf_conformance/negative/invalid_imm32_hex_range.data":
            "5:12: error: immediate 0x100000000 out of 32-bit range",
        "bpf_conformance/negative/invalid_label.data": "4:4: error: undefined label 'NOT_A_LABEL'",
        "bpf_conformance/negative/invalid_lock.data": "4:1: error: lock needs 2 operands: [dst+off], src (found 1)",
        "bpf_conformance/negative/invalid_lock2.data": "4:1: error: lock needs 2 operands: [dst+off], src (found 0)",
        "bpf_conformance/negative/invalid_mnemonic.data": "5:1: error: unknown mnemonic 'ldxq'",
        "bpf_conformance/negative/invalid_offset.data":
            "4:11: error: expected memory operand '[%rN+offset]' after ',' (found '%r1')",
        "bpf_conformance/negative/invalid_offset_range.data": "5:15: error: offset 0x10000 out of 16-bit range",
        "bpf_conformance/negative/invalid_operand_count.data":
            "4:1: error: lddw needs 2 operands: dst, imm64 (found 1)",
        "bpf_conformance/negative/invalid_register.data":
            "4:9: error: invalid register '%r50' (registers are %r0-%r10)",
        "bpf_conformance/negative/invalid_unknown_directive.data": "1:1: error: program has no instructions",
        "ubpf_tests/tests/errors/err-invalid-reg-dst.data":
            "2:5: error: invalid register '%r11' (registers are %r0-%r10)",
        "ubpf_tests/tests/errors/err-invalid-reg-src.data":
            "2:10: error: invalid register '%r11' (registers are %r0-%r10)",
        "ubpf_tests/tests/errors/err-jmp-out.data":
            "2:1: error: jump target out of range: slot 3 is outside the program (slots 0-1)",
        "ubpf_tests/tests/errors/err-jmp-lddw.data": "2:1: error: jump target slot 2 is the second half of an lddw",
    ]

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"))
    func everyVectorWithAssemblyIsCovered() {
        #expect(Self.vectors.count > 300)
        let names = Set(Self.vectors.map { SharedFixtures.relativePath($0, to: SharedFixtures.conformance) })
        for name in Self.rejected.keys { #expect(names.contains(name), "\(name) is gone or has no '-- asm'") }
    }

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"), arguments: vectors)
    func vectorAssembly(_ url: URL) throws {
        let name = SharedFixtures.relativePath(url, to: SharedFixtures.conformance)
        let vector = try #require(AssemblerVectorFile(url: url))
        let (source, fileName) = try #require(vector.assembly)
        if let expected = Self.rejected[name] {
            let error = #expect(throws: AssemblyError.self) {
                try Assembler.assemble(source, dialect: .conformance, fileName: fileName)
            }
            #expect(error?.description == "\(fileName):\(expected)")
        } else if let raw = vector.raw {
            // uBPF's assembler tests: the same program as text and as bytes. Some jump out of
            // the program on purpose (`ja +32767`), so only the encoding is compared.
            let program = try Assembler.assemble(source, dialect: .conformance, fileName: fileName, validating: false)
            #expect(program.encoded() == raw)
        } else {
            let program = try Assembler.assemble(source, dialect: .conformance, fileName: fileName)
            #expect(Assembler.detectDialect(source) == .conformance)
            #expect(program.lineTable.count == program.instructions.count)
        }
    }

    /// Disassembling a vector's program in either dialect and assembling the listing gives
    /// the same instructions back.
    @Test(
        .enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"),
        arguments: [AssemblyDialect.conformance, .llvm])
    func disassemblyRoundTrip(_ dialect: AssemblyDialect) throws {
        var checked = 0
        for url in Self.vectors {
            guard let (source, fileName) = AssemblerVectorFile(url: url)?.assembly,
                let program = try? Assembler.assemble(source, dialect: .conformance, fileName: fileName)
            else { continue }
            // objdump's `call N` does not say whether N is a helper id or a local call distance;
            // only a negative N is read as local, so positive local calls cannot round-trip.
            if dialect == .llvm, program.instructions.contains(where: { $0.kind == .call(.local) && $0.imm >= 0 }) {
                continue
            }
            let listing = Disassembler(dialect: dialect).listing(of: program)
            let again = try Assembler.assemble(listing, dialect: dialect, fileName: fileName + " (\(dialect) listing)")
            #expect(again.instructions == program.instructions, "\(fileName)")
            checked += 1
        }
        #expect(checked > 250)
    }

    @Test(.enabled(if: SharedFixtures.root != nil, "../shared not found"), arguments: programFiles)
    func programFile(_ url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let program = try Assembler.assemble(text, fileName: url.lastPathComponent)
        #expect(program.instructions.count > 10)
        #expect(program.lineTable[0]?.file == url.lastPathComponent)
    }

    /// `pkt_parser.asm`: the line table and a label-relative jump, checked by hand.
    @Test(.enabled(if: SharedFixtures.root != nil, "../shared not found"))
    func benchmarkLineTable() throws {
        let url = try #require(SharedFixtures.root?.appendingPathComponent("bench/pkt_parser.asm"))
        let program = try Assembler.assemble(try String(contentsOf: url, encoding: .utf8), fileName: "pkt_parser.asm")
        let first = try #require(program.lineTable[0])
        #expect(first.text == "mov %r0, 0")
        // `jlt %r2, 34, out` jumps to the final `exit`, labelled `out`.
        let jump = program.instructions[1]
        #expect(program.targetSlot(ofInstruction: 1) == program.slotCount - 1)
        #expect(jump.opcode == 0xa5 && jump.imm == 34)
    }
}

/// The sections of a conformance vector file that matter to the assembler. The assembly
/// keeps the file's line numbers: lines outside `-- asm` become empty lines.
struct AssemblerVectorFile {
    var assembly: (source: String, fileName: String)?
    var raw: [UInt8]?

    init?(url: URL) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var section = ""
        var assemblyLines: [String] = []
        var rawWords: [UInt64] = []
        var hasAssembly = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("--") {
                section = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                if section.hasPrefix("asm @") {
                    let file = section.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    let included = url.deletingLastPathComponent().appendingPathComponent(file)
                    guard let source = try? String(contentsOf: included, encoding: .utf8) else { return nil }
                    assembly = (source, file)
                } else if section == "asm" {
                    hasAssembly = true
                }
                assemblyLines.append("")
                continue
            }
            assemblyLines.append(section == "asm" ? String(line) : "")
            if section == "raw" {
                let word = line.split(separator: "#").first?.trimmingCharacters(in: .whitespaces) ?? ""
                if word.hasPrefix("0x"), let value = UInt64(word.dropFirst(2), radix: 16) { rawWords.append(value) }
            }
        }
        if hasAssembly { assembly = (assemblyLines.joined(separator: "\n"), url.lastPathComponent) }
        if !rawWords.isEmpty {
            raw = rawWords.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        }
    }
}
