/// Assembles eBPF assembly text into a validated ``Program``.
///
/// Two syntaxes are read (see ``AssemblyDialect``); the grammar of each is documented at the
/// top of `ConformanceSyntaxParser.swift` and `LLVMSyntaxParser.swift`:
///
/// ```swift
/// let program = try Assembler.assemble("""
///     mov %r0, 0
///     jne %r1, 2, done   # labels or relative +N
///     mov %r0, 1
///     done: exit
///     """)
/// let same = try Assembler.assemble("r0 = 0x0\nif r1 != 0x2 goto +0x1\nr0 = 0x1\nexit")
/// ```
///
/// Output of `llvm-objdump -d` (with or without raw bytes) assembles as pasted.
/// The result's ``Program/lineTable`` maps every instruction index to its source line, and
/// the program has passed ``Program/validate()``: any field or jump-target problem is an
/// ``AssemblyError`` at the line of the instruction concerned.
public enum Assembler {
    /// Assembles `source`, in `dialect` or, when nil, the dialect ``detectDialect(_:)`` finds.
    /// `fileName` prefixes diagnostics and line-table entries.
    ///
    /// With `validating` false the program skips ``Program/validate()``: every instruction
    /// is encoded as written, even a jump out of the program (for encoder tests such as
    /// uBPF's `jmp.data`, whose `ja +32767` only checks the bits).
    ///
    /// - Complexity: O(n) in the length of `source`.
    public static func assemble(
        _ source: String, dialect: AssemblyDialect? = nil, fileName: String = "<input>", validating: Bool = true
    ) throws(AssemblyError) -> Program {
        let lines = AssemblySourceLine.split(source)
        var builder = ProgramBuilder(file: fileName)
        switch dialect ?? detectDialect(lines) {
        case .conformance:
            let parser = ConformanceSyntaxParser(file: fileName)
            for line in lines { try parser.parse(line, into: &builder) }
        case .llvm:
            let parser = LLVMSyntaxParser(file: fileName)
            for line in lines { try parser.parse(line, into: &builder) }
        }
        return try builder.build(validating: validating)
    }

    /// The dialect `source` is written in, from its first line that tells: `%r` registers or
    /// a conformance mnemonic mean ``AssemblyDialect/conformance``; `rN =`, `wN =`, `if`,
    /// `goto`, `*(` or objdump decoration mean ``AssemblyDialect/llvm``. Lines both dialects
    /// share (`exit`, `call 1`, labels, comments) do not decide; a source made only of them is
    /// assembled as ``AssemblyDialect/conformance`` (it means the same in both).
    public static func detectDialect(_ source: String) -> AssemblyDialect {
        detectDialect(AssemblySourceLine.split(source))
    }

    static func detectDialect(_ lines: [AssemblySourceLine]) -> AssemblyDialect {
        for line in lines {
            if let dialect = dialect(of: line) { return dialect }
        }
        return .conformance
    }

    /// The dialect one line decides, or nil.
    private static func dialect(of line: AssemblySourceLine) -> AssemblyDialect? {
        if line.bytes.contains(UInt8(ascii: "%")) {
            var previous: UInt8 = 0
            for byte in line.bytes {
                if previous == UInt8(ascii: "%"), byte == UInt8(ascii: "r") { return .conformance }
                if byte == UInt8(ascii: "#") || byte == UInt8(ascii: ";") { break }
                previous = byte
            }
        }
        let start: Int
        let end: Int
        switch ObjdumpLine.classify(line) {
        case .ignored, .functionHeader: return line.bytes.allSatisfy(AssemblyLexer.isSpace) ? nil : .llvm
        case .statement(let from, let to, let raw):
            if raw != nil { return .llvm }
            (start, end) = (from, to)
        }
        guard let tokens = try? AssemblyLexer.tokenize(line, from: start, to: end, file: "") else { return nil }
        var index = 0
        while index + 1 < tokens.count, tokens[index].kind == .identifier, tokens[index + 1].isPunctuation(":") {
            index += 2
        }
        let first = tokens[index]
        let second = tokens[min(index + 1, tokens.count - 1)]
        switch first.kind {
        case .punctuation where first.text == "*": return .llvm
        case .identifier:
            switch first.text {
            case "if", "goto", "gotol", "callx", "may_goto", "ld_pseudo", "store_release": return .llvm
            case "lock": return second.isPunctuation("*") ? .llvm : second.kind == .identifier ? .conformance : nil
            case "exit", "call", ".8byte": return nil
            default: break
            }
            if second.kind == .punctuation, second.text.hasSuffix("=") { return .llvm }
            if second.isIdentifier("s") { return .llvm }
            if ConformanceSyntaxParser.isMnemonic(first.text) { return .conformance }
            return nil
        default: return nil
        }
    }
}
