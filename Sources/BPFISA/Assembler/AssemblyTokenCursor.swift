/// A read position in one line's tokens, with the operand readers both dialects share
/// (signed numbers with range checks, jump targets) and diagnostics that point at a token.
struct AssemblyTokenCursor {
    let file: String
    let line: AssemblySourceLine
    let tokens: [AssemblyToken]
    private(set) var index = 0

    init(file: String, line: AssemblySourceLine, tokens: [AssemblyToken]) {
        self.file = file
        self.line = line
        self.tokens = tokens
    }

    var current: AssemblyToken { tokens[index] }
    var isAtEnd: Bool { current.kind == .end }

    func peek(_ distance: Int = 1) -> AssemblyToken { tokens[min(index + distance, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> AssemblyToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Consumes the punctuation `symbol` if it is next.
    mutating func accept(_ symbol: String) -> Bool {
        guard current.isPunctuation(symbol) else { return false }
        advance()
        return true
    }

    /// Consumes the identifier `name` if it is next.
    mutating func acceptIdentifier(_ name: String) -> Bool {
        guard current.isIdentifier(name) else { return false }
        advance()
        return true
    }

    /// Consumes the punctuation `symbol` or fails with "expected 'symbol' context".
    @discardableResult
    mutating func expect(_ symbol: String, _ context: String? = nil) throws(AssemblyError) -> AssemblyToken {
        guard current.isPunctuation(symbol) else {
            throw error(AssemblyMessage.expected("'\(symbol)'", context, found: current.quoted))
        }
        return advance()
    }

    /// Consumes the identifier `name` or fails.
    mutating func expectIdentifier(_ name: String, _ context: String? = nil) throws(AssemblyError) {
        guard current.isIdentifier(name) else {
            throw error(AssemblyMessage.expected("'\(name)'", context, found: current.quoted))
        }
        advance()
    }

    /// Fails unless the line has no more tokens.
    func expectEnd() throws(AssemblyError) {
        guard isAtEnd else { throw error(AssemblyMessage.unexpectedAfterInstruction(current.quoted)) }
    }

    func error(_ message: String) -> AssemblyError { error(message, at: current) }

    func error(_ message: String, at token: AssemblyToken) -> AssemblyError {
        AssemblyError(file: file, line: line.number, column: token.column, message: message)
    }

    func error(_ message: String, column: Int) -> AssemblyError {
        AssemblyError(file: file, line: line.number, column: column, message: message)
    }

    /// The source text from `token` up to (not including) the current token.
    func text(from token: AssemblyToken) -> String {
        line.text(token.column - 1, current.column - 1).trimmingTrailingSpaces()
    }

    // MARK: Numbers

    /// True if a (signed) number starts here.
    var isAtNumber: Bool {
        current.kind == .number
            || ((current.isPunctuation("-") || current.isPunctuation("+")) && peek().kind == .number)
    }

    /// Reads `[+|-]number` and checks it against `range`. Returns the value as the field's
    /// bit pattern, sign-extended to 64 bits, and the token where the number started.
    mutating func signedNumber(
        _ range: NumberRange, what: String, _ context: String? = nil
    ) throws(AssemblyError) -> (value: Int64, start: AssemblyToken) {
        let start = current
        var isNegative = false
        if current.isPunctuation("-") || current.isPunctuation("+") {
            isNegative = current.text == "-"
            advance()
        }
        let digits = current
        guard digits.kind == .number else {
            throw error(AssemblyMessage.expected(what, context, found: start.quoted), at: start)
        }
        advance()
        let spelled = (isNegative ? "-" : "") + digits.text
        let parsed: ParsedNumber
        switch ParsedNumber.parse(digits.text) {
        case .success(let number): parsed = number
        case .failure(.malformed): throw error(AssemblyMessage.invalidNumber(digits.text), at: digits)
        case .failure(.overflow): throw error(range.outOfRange(spelled), at: start)
        }
        guard let value = range.value(magnitude: parsed.magnitude, isNegative: isNegative, isHex: parsed.isHex) else {
            throw error(range.outOfRange(spelled), at: start)
        }
        return (value, start)
    }
}

/// Which values a numeric field accepts. Decimal numbers must fit the field as a signed
/// value; hex numbers may also spell the field's unsigned bit pattern (`0xffffffff` is the
/// 32-bit immediate -1, `0xfff8` the offset -8) — the rule of bpf_conformance's assembler,
/// under which `mov32 %r0, 2147483648` and `0x100000000` are errors.
enum NumberRange {
    case immediate32, immediate64, offset16, jump16, jump32

    var bits: Int {
        switch self {
        case .immediate32, .jump32: 32
        case .immediate64: 64
        case .offset16, .jump16: 16
        }
    }

    func outOfRange(_ spelled: String) -> String {
        switch self {
        case .immediate32, .immediate64: AssemblyMessage.immediateOutOfRange(spelled, bits: bits)
        case .offset16: AssemblyMessage.offsetOutOfRange(spelled)
        case .jump16, .jump32: AssemblyMessage.jumpOutOfRange(spelled, bits: bits)
        }
    }

    /// The field's bit pattern, sign-extended to 64 bits, or nil when out of range.
    func value(magnitude: UInt64, isNegative: Bool, isHex: Bool) -> Int64? {
        if bits == 64 {
            if isNegative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return Int64(bitPattern: 0 &- magnitude)
            }
            return Int64(bitPattern: magnitude)
        }
        let signedMax = UInt64(1) << (bits - 1) - 1
        let unsignedMax = UInt64(1) << bits - 1
        if isNegative {
            guard magnitude <= signedMax + 1 else { return nil }
            return -Int64(magnitude)
        }
        if magnitude <= signedMax { return Int64(magnitude) }
        guard isHex, magnitude <= unsignedMax else { return nil }
        return Int64(magnitude) - Int64(unsignedMax) - 1
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var bytes = Array(utf8)
        while let last = bytes.last, AssemblyLexer.isSpace(last) { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
