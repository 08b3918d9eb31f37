// The disassembler prints instructions in one of the two assembly dialects:
//
//   LLVM         exactly what `llvm-objdump -d --no-show-raw-insn` (LLVM 21, BPF target) prints:
//                `r0 = 0x1`, `w3 = *(u32 *)(r1 + 0x50)`, `if r4 > r3 goto +0x8`, `<unknown>`.
//                Every quirk of LLVM's decoder is kept (fields it ignores stay ignored), so a
//                listing can be diffed against objdump's line by line.
//   conformance  the syntax of the bpf_conformance / uBPF test vectors: `mov %r0, 1`,
//                `ldxw %r0, [%r1+4]`, `jeq %r1, 2, +3`. Chosen so that the text assembles back
//                to the same bytes; what that syntax cannot express comes out as `.8byte 0x…`.

/// Turns instructions and programs into assembly text.
///
/// ```swift
/// let disassembler = Disassembler()                      // LLVM dialect
/// disassembler.text(of: Instruction(opcode: 0xb7, imm: 1))  // "r0 = 0x1"
/// print(disassembler.listing(of: program), terminator: "")
/// ```
public struct Disassembler: Sendable {
    /// The dialect this disassembler prints.
    public var dialect: AssemblyDialect

    public init(dialect: AssemblyDialect = .llvm) {
        self.dialect = dialect
    }

    /// The text of one instruction, without slot number or trailing newline.
    ///
    /// Any field values are accepted: in the LLVM dialect an encoding LLVM cannot decode
    /// prints as `<unknown>` (as objdump does); in the conformance dialect an instruction
    /// whose fields that syntax cannot carry prints as `.8byte` directives (one per slot).
    public func text(of instruction: Instruction) -> String {
        switch dialect {
        case .llvm: Self.llvmText(of: instruction) ?? Self.llvmUnknown
        case .conformance: Self.conformanceText(of: instruction) ?? Self.rawDirectives(of: instruction)
        }
    }

    /// A listing of `program`, one line per instruction, each line ending in a newline.
    ///
    /// LLVM dialect: objdump's layout — the slot number right-aligned in 8 columns, a colon,
    /// a tab, the text (`"       0:\tr0 = 0x1"`). When `symbols` (slot → name) is given, each
    /// named slot is preceded by a `0000000000000000 <name>:` header (with a blank line between
    /// functions) and jump targets get objdump's `<name+0x10>` annotation.
    ///
    /// Conformance dialect: plain assembly that assembles back to `program`; jumps keep their
    /// relative `+N`/`-N` offsets and each symbol becomes a `name:` label line.
    ///
    /// - Complexity: O(n log s) for n instructions and s symbols.
    public func listing(of program: Program, symbols: [Int: String] = [:]) -> String {
        switch dialect {
        case .llvm: llvmListing(of: program, symbols: symbols)
        case .conformance: conformanceListing(of: program, symbols: symbols)
        }
    }

    /// What objdump prints for bytes its decoder rejects.
    static let llvmUnknown = "<unknown>"

    /// `.8byte 0x…` per slot: each slot as the little-endian 64-bit value the bytes spell,
    /// the form clang's assembler and the uBPF `-- raw` vectors use.
    static func rawDirectives(of instruction: Instruction) -> String {
        let bytes = Program(instructions: [instruction]).encoded()
        var lines = [String]()
        for start in stride(from: 0, to: bytes.count, by: Program.slotByteCount) {
            var value: UInt64 = 0
            for index in (start..<start + Program.slotByteCount).reversed() {
                value = value << 8 | UInt64(bytes[index])
            }
            lines.append(".8byte 0x" + paddedHex(value, digits: 16))
        }
        return lines.joined(separator: "\n")
    }
}

/// `value` in lower-case hex, zero-padded on the left to `digits`.
func paddedHex(_ value: some BinaryInteger, digits: Int) -> String {
    let text = String(value, radix: 16)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}

/// `value` in decimal, space-padded on the left to `width` (printf's `%*d`).
func rightAligned(_ value: Int, width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
