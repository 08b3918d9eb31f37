import BPFISA
import BPFObject
import Foundation
import TestSupport
import Testing

/// The LLVM dialect is defined as "what llvm-objdump prints": these tests ask objdump.
///
/// 1. A seeded random sample of encodings (every opcode, registers 0–15, interesting and
///    random offsets and immediates, lddw with every pseudo source) assembled with clang's
///    `.8byte` directive and disassembled by both; texts must be equal.
/// 2. Every object under Programs/build: our listing of each executable section (with the
///    function symbols) must equal objdump's instruction lines, jump annotations included.
///
/// Both skip, printing why, when clang or llvm-objdump is missing.
@Suite(.enabled(if: LLVMToolchain.isAvailable, "clang and llvm-objdump not found (set CLANG / LLVM_OBJDUMP)"))
struct DisassemblerObjdumpTests {
    @Test func randomEncodingsMatchObjdump() throws {
        let count = ProcessInfo.processInfo.environment["SKBPF_OBJDUMP_SAMPLES"].flatMap(Int.init) ?? 20_000
        var random = SplitMix64(seed: 0x5eed_b0f0)
        var instructions = (0..<count).map { _ in Self.randomInstruction(&random) }
        instructions += Self.loadImmediateCases(&random)
        instructions += Self.atomicSweep()
        try compareWithObjdump(Program(instructions: instructions))
    }

    @Test(arguments: ProgramObjects.objects())
    func programObjectMatchesObjdump(_ object: ProgramObject) throws {
        let bytes = try [UInt8](Data(contentsOf: object.url))
        let file = try BPFObjectFile(bytes: bytes)
        let expected = try LLVMToolchain.objdumpSections(object.url)
        let disassembler = Disassembler()
        var checkedSections = 0
        for code in file.codeSections {
            let listing = disassembler.listing(of: code.program, symbols: code.symbols)
            let ours = LLVMToolchain.instructionLines(listing)
            let theirs = expected[code.section.name] ?? []
            #expect(ours.count == theirs.count, "\(object.name) section \(code.section.name): line counts differ")
            for (mine, reference) in zip(ours, theirs) where mine != reference {
                Issue.record("\(object.name) section \(code.section.name): ours \"\(mine)\" objdump \"\(reference)\"")
            }
            checkedSections += 1
        }
        #expect(checkedSections > 0, "\(object.name) has no code section")
    }

    // MARK: Sample generation

    private static let interestingOffsets: [Int16] = [0, 1, -1, 2, 8, 16, 32, 0x7fff, -0x8000]
    private static let interestingImmediates: [Int32] = [
        0, 1, -1, 8, 16, 32, 64, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1, 0x100, 0x101, 0x110,
        0x111, 0x1ff, 0x10002, .max, .min,
    ]

    private static func randomInstruction(_ random: inout SplitMix64) -> Instruction {
        var opcode: UInt8
        repeat { opcode = UInt8(truncatingIfNeeded: random.next()) } while opcode == Instruction.loadImmediate64Opcode
        return Instruction(
            opcode: opcode, dst: randomRegister(&random), src: randomRegister(&random),
            offset: random.next() % 2 == 0 ? random.pick(interestingOffsets) : Int16(truncatingIfNeeded: random.next()),
            imm: Int64(
                random.next() % 2 == 0 ? random.pick(interestingImmediates) : Int32(truncatingIfNeeded: random.next())))
    }

    /// Registers 0–11 mostly (LLVM knows r11), 12–15 sometimes (invalid everywhere).
    private static func randomRegister(_ random: inout SplitMix64) -> UInt8 {
        UInt8(random.next() % 5 == 0 ? 12 + random.next() % 4 : random.next() % 12)
    }

    private static func loadImmediateCases(_ random: inout SplitMix64) -> [Instruction] {
        var cases = [Instruction]()
        for src in UInt8(0)...15 {
            for _ in 0..<8 {
                let imm =
                    random.next() % 3 == 0
                    ? Int64(random.pick(interestingImmediates)) : Int64(bitPattern: random.next())
                cases.append(
                    Instruction(
                        opcode: 0x18, dst: randomRegister(&random), src: src,
                        offset: random.next() % 4 == 0 ? 1 : 0, imm: imm))
            }
        }
        cases.append(Instruction(opcode: 0x18, dst: 1, imm: .min))
        return cases
    }

    /// Every atomic opcode with every imm of bits 0–8, plus high bits set.
    private static func atomicSweep() -> [Instruction] {
        var cases = [Instruction]()
        for opcode: UInt8 in [0xc3, 0xcb, 0xd3, 0xdb] {
            for imm in 0..<0x200 {
                cases.append(Instruction(opcode: opcode, dst: 1, src: 2, offset: 3, imm: Int64(imm)))
                cases.append(
                    Instruction(
                        opcode: opcode, dst: 3, src: 4, offset: -5,
                        imm: Int64(Int32(truncatingIfNeeded: imm | 0x7a5_3e00))))
            }
        }
        return cases
    }

    private func compareWithObjdump(_ program: Program) throws {
        let reference = try LLVMToolchain.objdump(slots: program.encoded())
        let disassembler = Disassembler()
        var mismatches = 0
        for (index, instruction) in program.instructions.enumerated() {
            let slot = program.slotIndex(ofInstruction: index)
            let expected = reference[slot].map(LLVMToolchain.withoutBranchAnnotation) ?? "(no line)"
            let actual = disassembler.text(of: instruction)
            if actual != expected {
                mismatches += 1
                if mismatches <= 30 {
                    Issue.record("\(instruction): ours \"\(actual)\" objdump \"\(expected)\"")
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(program.instructions.count) instructions differ from objdump")
    }
}

// MARK: - Tools

/// clang and llvm-objdump from the Swift toolchain (or `$CLANG` / `$LLVM_OBJDUMP`).
enum LLVMToolchain {
    static let clang = locate("CLANG", default: "/opt/swift/usr/bin/clang")
    static let objdump = locate("LLVM_OBJDUMP", default: "/opt/swift/usr/bin/llvm-objdump")
    static var isAvailable: Bool { clang != nil && objdump != nil }

    private static func locate(_ variable: String, default path: String) -> String? {
        let candidate = ProcessInfo.processInfo.environment[variable] ?? path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    typealias ToolError = ExternalTool.Failure

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        try ExternalTool.run(tool, arguments, in: directory)
    }

    /// objdump's text for each slot of `bytes` (assembled as `.8byte` data in `.text`).
    static func objdump(slots bytes: [UInt8]) throws -> [Int: String] {
        guard let clang, let objdump else { throw ToolError(description: "no toolchain") }
        let directory = TestScratch.file("objdump")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var source = ".text\n.globl f\n.type f,@function\nf:\n"
        for start in stride(from: 0, to: bytes.count, by: 8) {
            var value: UInt64 = 0
            for index in (start..<start + 8).reversed() { value = value << 8 | UInt64(bytes[index]) }
            source += ".8byte 0x" + String(value, radix: 16) + "\n"
        }
        let sourceURL = directory.appendingPathComponent("sample.s")
        try source.write(to: sourceURL, atomically: true, encoding: .utf8)
        let objectURL = directory.appendingPathComponent("sample.o")
        try run(clang, ["-target", "bpf", "-c", sourceURL.path, "-o", objectURL.path])
        let listing = try run(objdump, ["-d", "--no-show-raw-insn", objectURL.path])
        var bySlot = [Int: String]()
        for (slot, text) in parseInstructionLines(listing) { bySlot[slot] = text }
        return bySlot
    }

    /// objdump's instruction lines per section name, for an object file.
    static func objdumpSections(_ object: URL) throws -> [String: [String]] {
        guard let objdump else { throw ToolError(description: "no llvm-objdump") }
        let listing = try run(objdump, ["-d", "--no-show-raw-insn", object.path])
        var sections = [String: [String]]()
        var current = ""
        for line in listing.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Disassembly of section "), line.hasSuffix(":") {
                current = String(line.dropFirst("Disassembly of section ".count).dropLast())
            } else if isInstructionLine(line) {
                sections[current, default: []].append(String(line))
            }
        }
        return sections
    }

    /// The instruction lines of a listing (no headers, labels, blank or relocation lines).
    static func instructionLines(_ listing: String) -> [String] {
        listing.split(separator: "\n", omittingEmptySubsequences: false).filter(isInstructionLine).map(String.init)
    }

    /// `"      12:\ttext"`: spaces, digits, colon, tab.
    static func isInstructionLine(_ line: Substring) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let number = line[..<colon].drop { $0 == " " }
        return !number.isEmpty && number.allSatisfy(\.isNumber) && line[colon...].hasPrefix(":\t")
    }

    static func parseInstructionLines(_ listing: String) -> [(slot: Int, text: String)] {
        instructionLines(listing).compactMap { line in
            guard let colon = line.firstIndex(of: ":"),
                let slot = Int(line[..<colon].trimmingCharacters(in: .whitespaces))
            else { return nil }
            return (slot, String(line[line.index(colon, offsetBy: 2)...]))
        }
    }

    /// Drops objdump's ` <f+0x48>` jump target annotation.
    static func withoutBranchAnnotation(_ text: String) -> String {
        guard !text.hasPrefix("<"), text.hasSuffix(">"), let open = text.range(of: " <", options: .backwards) else {
            return text
        }
        return String(text[..<open.lowerBound])
    }
}

/// An object under Programs/build.
struct ProgramObject: CustomTestStringConvertible, Sendable {
    var url: URL
    var name: String { url.lastPathComponent }
    var testDescription: String { name }
}

enum ProgramObjects {
    static var programsDirectory: URL { SharedFixtures.repositoryRoot.appendingPathComponent("Programs") }

    /// Every `Programs/build/*.o`, building them with `make -C Programs` first if there are none
    /// and clang is available; empty (the test then reports no cases) otherwise.
    static func objects() -> [ProgramObject] {
        let build = programsDirectory.appendingPathComponent("build")
        if list(build).isEmpty, LLVMToolchain.clang != nil,
            FileManager.default.fileExists(atPath: programsDirectory.appendingPathComponent("Makefile").path)
        {
            _ = try? LLVMToolchain.run(
                "/usr/bin/env",
                [
                    "make", "-C", programsDirectory.path,
                    "CLANG=\(LLVMToolchain.clang ?? "clang")",
                ])
        }
        let objects = list(build)
        if objects.isEmpty {
            print("note: no objects in \(build.path) (clang missing or `make -C Programs` failed)")
        }
        return objects
    }

    private static func list(_ directory: URL) -> [ProgramObject] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".o") }.sorted().map {
            ProgramObject(url: directory.appendingPathComponent($0))
        }
    }
}

