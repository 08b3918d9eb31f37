import BPFISA
import BPFObject
import Foundation
import TestSupport
import Testing

/// assemble(disassemble(p)) == p for every program of the conformance suites (bpf_conformance
/// `tests/` and `negative/`, uBPF `tests/`): each vector's `-- asm` (assembled in the
/// conformance dialect) or `-- raw` program (decoded with `Program(decoding:)`), disassembled
/// in the conformance dialect and assembled again, must give the same instructions. Vectors
/// with no valid program — text that does not assemble, bytes that do not decode (the
/// assembler, like the decoder, refuses invalid instructions) — are skipped.
///
/// The LLVM dialect round-trips too, for the programs it can express: every instruction
/// valid, no local or kfunc calls (objdump prints `call 0x2` for all three call kinds), no
/// lddw pseudo sources (objdump keeps only the low 32 bits).
@Suite(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"))
struct DisassemblerRoundTripTests {
    static let vectors: [ConformanceProgram] = ConformanceProgram.all()

    @Test(arguments: vectors)
    func conformanceDialectRoundTrips(_ vector: ConformanceProgram) throws {
        guard let program = vector.program else { return }
        let text = Disassembler(dialect: .conformance).listing(of: program)
        let reassembled: Program
        do {
            reassembled = try Assembler.assemble(text, dialect: .conformance, fileName: vector.name)
        } catch {
            Issue.record("\(vector.name): the disassembly does not assemble: \(error)\n\(text)")
            return
        }
        #expect(reassembled.instructions == program.instructions, "\(vector.name):\n\(text)")
    }

    @Test(arguments: vectors)
    func llvmDialectRoundTripsWhereExpressible(_ vector: ConformanceProgram) throws {
        guard let program = vector.program, Self.llvmCanExpress(program) else { return }
        let text = Disassembler(dialect: .llvm).listing(of: program)
        let reassembled: Program
        do {
            reassembled = try Assembler.assemble(text, dialect: .llvm, fileName: vector.name)
        } catch {
            Issue.record("\(vector.name): the LLVM disassembly does not assemble: \(error)\n\(text)")
            return
        }
        #expect(reassembled.instructions == program.instructions, "\(vector.name):\n\(text)")
    }

    @Test func everySuiteContributesPrograms() throws {
        let withPrograms = Self.vectors.filter { $0.program != nil }
        #expect(withPrograms.count > 300, "only \(withPrograms.count) of \(Self.vectors.count) vectors gave a program")
    }

    /// Programs/asm/*.s: our assembler gives clang's bytes, and the conformance-dialect
    /// disassembly assembles back to them.
    @Test(.enabled(if: LLVMToolchain.isAvailable, "clang not found"), arguments: ProgramSources.all())
    func exampleAssemblyMatchesClang(_ source: ProgramSources) throws {
        let text = try String(contentsOf: source.url, encoding: .utf8)
        let ours = try Assembler.assemble(text, fileName: source.name)
        let directory = TestScratch.file("asm")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let object = directory.appendingPathComponent("out.o")
        try LLVMToolchain.run(
            LLVMToolchain.clang ?? "clang", ["-target", "bpf", "-mcpu=v4", "-c", source.url.path, "-o", object.path])
        let clang = try #require(try BPFObjectFile(bytes: [UInt8](Data(contentsOf: object))).codeSections.first)
        #expect(ours.encoded() == clang.program.encoded())

        let disassembly = Disassembler(dialect: .conformance).listing(of: ours)
        #expect(try Assembler.assemble(disassembly, dialect: .conformance).instructions == ours.instructions)
    }

    static func llvmCanExpress(_ program: Program) -> Bool {
        program.instructions.allSatisfy { instruction in
            switch instruction.kind {
            case nil: false
            case .call(let kind)?: kind == .helper
            case .loadImmediate64(let source)?: source == .value
            default: true
            }
        }
    }
}

/// The program of one conformance vector file.
struct ConformanceProgram: CustomTestStringConvertible, Sendable {
    var url: URL
    var name: String
    /// The vector's program, if it has a valid one.
    var program: Program?
    var testDescription: String { name }

    /// Every vector of the three suites.
    static func all() -> [ConformanceProgram] {
        guard let root = SharedFixtures.conformance else { return [] }
        let folders = ["bpf_conformance/tests", "bpf_conformance/negative", "ubpf_tests/tests"]
        return folders.flatMap { folder in
            SharedFixtures.files(under: root.appendingPathComponent(folder), suffix: ".data").map { url in
                let name = SharedFixtures.relativePath(url, to: root)
                return ConformanceProgram(url: url, name: name, program: try? Self.program(of: url, name: name))
            }
        }
    }

    /// The vector's program: `-- asm` assembled in the conformance dialect, or `-- raw`
    /// decoded; nil when there is none, or it does not assemble or decode.
    static func program(of url: URL, name: String) throws -> Program? {
        let text = try String(contentsOf: url, encoding: .utf8)
        var sections = [(name: String, body: [Substring])]()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- ") {
                sections.append((String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), []))
            } else if !sections.isEmpty {
                sections[sections.count - 1].body.append(line)
            }
        }
        if let asm = sections.first(where: { $0.name.hasPrefix("asm") }) {
            var source = asm.body.joined(separator: "\n")
            if let at = asm.name.firstIndex(of: "@") {
                let file = asm.name[asm.name.index(after: at)...].trimmingCharacters(in: .whitespaces)
                source = try String(
                    contentsOf: url.deletingLastPathComponent().appendingPathComponent(file), encoding: .utf8)
            }
            return try? Assembler.assemble(source, dialect: .conformance, fileName: name)
        }
        if let raw = sections.first(where: { $0.name == "raw" }) {
            return try? Program(decoding: Self.hexBytes(raw.body))
        }
        return nil
    }

    /// `-- raw` bodies: hex bytes (`b7 00 ...`) or one `0x` 64-bit slot value per line.
    static func hexBytes(_ lines: [Substring]) -> [UInt8] {
        var bytes = [UInt8]()
        for line in lines {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for word in content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
                if word.hasPrefix("0x"), let value = UInt64(word.dropFirst(2), radix: 16) {
                    for shift in stride(from: 0, to: 64, by: 8) {
                        bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
                    }
                } else if let byte = UInt8(word, radix: 16) {
                    bytes.append(byte)
                }
            }
        }
        return bytes
    }
}

/// A hand-written example under Programs/asm.
struct ProgramSources: CustomTestStringConvertible, Sendable {
    var url: URL
    var name: String { url.lastPathComponent }
    var testDescription: String { name }

    static func all() -> [ProgramSources] {
        let folder = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/asm")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".s") }.sorted().map { ProgramSources(url: folder.appendingPathComponent($0)) }
    }
}
