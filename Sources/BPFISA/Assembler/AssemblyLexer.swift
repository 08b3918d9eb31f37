// Both dialects share one line-oriented lexer: an instruction never spans lines, so the
// source is split into lines first and each line is tokenized on its own. Tokens keep
// their 1-based column so every diagnostic can point at the exact place.
//
//   r1 s>>= 0x3   # comment      ->  ident(r1) ident(s) punct(>>=) number(0x3)
//   ldxw %r0, [%r1-8]            ->  ident punct(%) ident punct(,) punct([) punct(%) ident punct(-) number punct(])
//
// Comments start at `#`, `;` or `//` and run to the end of the line. Signs are separate
// punctuation tokens; the parsers fold them into numbers where a number is expected.

/// One token of an assembly line.
struct AssemblyToken: Sendable {
    enum Kind: Sendable, Equatable {
        /// `mov`, `r1`, `LBB0_2`, `.8byte`, `ll`: letters, digits, `_`, `.`, `$`, not starting with a digit.
        case identifier
        /// Unsigned decimal or `0x` hex; the sign is a separate token.
        case number
        /// Operators and separators: `,` `[` `]` `(` `)` `+` `-` `*` `=` `+=` `<<=` `==` `s` is not one.
        case punctuation
        /// After the last token of the line.
        case end
    }

    var kind: Kind
    var text: String
    /// 1-based byte column of the first character.
    var column: Int
    /// 1-based byte column just past the last character.
    var endColumn: Int

    func isPunctuation(_ symbol: String) -> Bool { kind == .punctuation && text == symbol }
    func isIdentifier(_ name: String) -> Bool { kind == .identifier && text == name }

    /// How a diagnostic names this token: `'%r50'`, `end of line`.
    var quoted: String { kind == .end ? "end of line" : "'\(text)'" }
}

/// One source line, as UTF-8 bytes with its 1-based line number.
struct AssemblySourceLine: Sendable {
    var number: Int
    var bytes: [UInt8]

    /// Splits `source` at `\n` (dropping a `\r` before it).
    static func split(_ source: String) -> [AssemblySourceLine] {
        var lines: [AssemblySourceLine] = []
        var current: [UInt8] = []
        var number = 1
        for byte in source.utf8 {
            if byte == UInt8(ascii: "\n") {
                if current.last == UInt8(ascii: "\r") { current.removeLast() }
                lines.append(AssemblySourceLine(number: number, bytes: current))
                current.removeAll(keepingCapacity: true)
                number += 1
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { lines.append(AssemblySourceLine(number: number, bytes: current)) }
        return lines
    }

    /// The text of bytes `start..<end` (0-based byte indices).
    func text(_ start: Int, _ end: Int) -> String {
        let lower = max(0, start)
        let upper = min(end, bytes.count)
        guard lower < upper else { return "" }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// Splits a line (or a part of one) into tokens.
enum AssemblyLexer {
    /// Operators longest first, so that `<<=` wins over `<<` and `<`.
    private static let operators: [[UInt8]] = [
        "<<=", ">>=", "==", "!=", ">=", "<=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=",
        ",", "[", "]", "(", ")", "+", "-", "*", "/", "%", "=", ":", "<", ">", "&", "|", "^", "!", "~",
    ].map { Array($0.utf8) }

    /// Tokenizes `line.bytes[start..<end]`, stopping at a comment. The result always ends
    /// with an `.end` token whose column is just past the last non-comment character.
    static func tokenize(
        _ line: AssemblySourceLine, from start: Int = 0, to end: Int? = nil, file: String
    ) throws(AssemblyError) -> [AssemblyToken] {
        let bytes = line.bytes
        let limit = min(end ?? bytes.count, bytes.count)
        var tokens: [AssemblyToken] = []
        var index = start
        var lastEnd = start
        scan: while index < limit {
            let byte = bytes[index]
            if isSpace(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "#") || byte == UInt8(ascii: ";") { break }
            if byte == UInt8(ascii: "/"), index + 1 < limit, bytes[index + 1] == UInt8(ascii: "/") { break }
            let tokenStart = index
            let kind: AssemblyToken.Kind
            if isIdentifierStart(byte) {
                index += 1
                while index < limit, isIdentifierContinuation(bytes[index]) { index += 1 }
                kind = .identifier
            } else if isDigit(byte) {
                index += 1
                while index < limit, isIdentifierContinuation(bytes[index]) { index += 1 }
                kind = .number
            } else {
                for op in operators where matches(op, bytes, at: index, limit: limit) {
                    index += op.count
                    tokens.append(
                        AssemblyToken(
                            kind: .punctuation, text: line.text(tokenStart, index),
                            column: tokenStart + 1, endColumn: index + 1))
                    lastEnd = index
                    continue scan
                }
                // A whole (possibly multi-byte) character for the message.
                var characterEnd = index + 1
                while characterEnd < limit, bytes[characterEnd] & 0xc0 == 0x80 { characterEnd += 1 }
                throw AssemblyError(
                    file: file, line: line.number, column: index + 1,
                    message: AssemblyMessage.unexpectedCharacter(line.text(index, characterEnd)))
            }
            tokens.append(
                AssemblyToken(
                    kind: kind, text: line.text(tokenStart, index),
                    column: tokenStart + 1, endColumn: index + 1))
            lastEnd = index
        }
        tokens.append(AssemblyToken(kind: .end, text: "", column: lastEnd + 1, endColumn: lastEnd + 1))
        return tokens
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0b || byte == 0x0c || byte == 0x0d
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "$")
    }

    static func isIdentifierContinuation(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

    private static func matches(_ op: [UInt8], _ bytes: [UInt8], at index: Int, limit: Int) -> Bool {
        guard index + op.count <= limit else { return false }
        for offset in op.indices where bytes[index + offset] != op[offset] { return false }
        return true
    }
}

/// The value of a number token: `0x`-prefixed hex or decimal, without sign.
/// Nil when the text is not a number or does not fit in 64 bits (`overflow` tells which).
struct ParsedNumber {
    var magnitude: UInt64
    var isHex: Bool

    enum Failure: Error { case malformed, overflow }

    static func parse(_ text: String) -> Result<ParsedNumber, Failure> {
        var digits = Substring(text)
        var isHex = false
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            isHex = true
        }
        guard !digits.isEmpty else { return .failure(.malformed) }
        let radix: UInt64 = isHex ? 16 : 10
        var value: UInt64 = 0
        for byte in digits.utf8 {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where isHex: digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where isHex: digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return .failure(.malformed)
            }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return .failure(.overflow) }
            value = sum
        }
        return .success(ParsedNumber(magnitude: value, isHex: isHex))
    }
}
