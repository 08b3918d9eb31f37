// The two text formats tcpdump prints:
//
//   tcpdump -ddd 'ip'          tcpdump -dd 'ip'
//   4                          { 0x28, 0, 0, 0x0000000c },
//   40 0 0 12                  { 0x15, 0, 1, 0x00000800 },
//   21 0 1 2048                { 0x6, 0, 0, 0x00040000 },
//   6 0 0 262144               { 0x6, 0, 0, 0x00000000 },
//   6 0 0 0
//
// Reading checks the shape and each field's range; what the instructions mean is the checker's.

extension ClassicProgram {
    /// Reads either text format, telling them apart by their first token (``textFormat(of:)``).
    public init(text: String, fileName: String? = nil) throws(ClassicFormatError) {
        switch Self.textFormat(of: text) {
        case .decimal?: try self.init(decimalText: text, fileName: fileName)
        case .cArray?: try self.init(cArrayText: text, fileName: fileName)
        default: throw ClassicFormatError(fileName: fileName, line: 1, message: ClassicFormatMessage.notClassicText)
        }
    }

    /// Which text format `text` is written in, from its shape alone: `.decimal` when the first
    /// record (up to a line break or comma) is one integer and the next record, if any, starts
    /// with one; `.cArray` when it starts with `{` or `struct`; nil otherwise (assembly, say).
    public static func textFormat(of text: String) -> ClassicFormat? {
        guard let tokens = try? ClassicTextLexer.tokens(text, fileName: nil, stopsAtOpenComment: true) else { return nil }
        let significant = tokens.drop { $0.kind == .newline }
        guard let first = significant.first else { return nil }
        func isInteger(_ token: ClassicTextToken?) -> Bool {
            if case .word(let word)? = token?.kind { return ClassicTextLexer.integer(word, allowsCOctal: false) != nil }
            return false
        }
        switch first.kind {
        case .punctuation("{"), .word("struct"): return .cArray
        case .word:
            guard isInteger(first) else { return nil }
            // The count stands alone on its record; the next record starts with the first code.
            let rest = significant.dropFirst()
            guard let separator = rest.first else { return .decimal }
            guard separator.kind == .newline || separator.kind == .punctuation(",") else { return nil }
            let next = rest.dropFirst().drop { $0.kind == .newline || $0.kind == .punctuation(",") }.first
            return next == nil || isInteger(next) ? .decimal : nil
        default: return nil
        }
    }

    /// Reads the `tcpdump -ddd` format (records separated by line breaks or commas).
    public init(decimalText text: String, fileName: String? = nil) throws(ClassicFormatError) {
        let tokens = try ClassicTextLexer.tokens(text, fileName: fileName)
        // Split into records at line breaks and commas, dropping empty ones.
        var records: [[ClassicTextToken]] = []
        var current: [ClassicTextToken] = []
        var separators: [ClassicTextToken] = []
        for token in tokens {
            if token.kind == .newline || token.kind == .punctuation(",") {
                if !current.isEmpty { records.append(current); separators.append(token) }
                current = []
            } else {
                current.append(token)
            }
        }
        if !current.isEmpty { records.append(current) }
        func error(_ token: ClassicTextToken, _ message: String) -> ClassicFormatError {
            ClassicFormatError(fileName: fileName, line: token.line, column: token.column, message: message)
        }
        guard let countRecord = records.first else {
            throw ClassicFormatError(fileName: fileName, line: 1, message: ClassicFormatMessage.empty)
        }
        guard countRecord.count == 1, case .word(let countWord) = countRecord[0].kind,
              let declared = ClassicTextLexer.integer(countWord, allowsCOctal: false), declared >= 0
        else { throw error(countRecord[0], ClassicFormatMessage.countLine) }
        var instructions: [ClassicInstruction] = []
        for record in records.dropFirst() {
            guard record.count == 4 else { throw error(record[0], ClassicFormatMessage.fieldCount(record.count)) }
            let fields = try Self.fields(record, allowsCOctal: false, fileName: fileName)
            instructions.append(fields)
            if instructions.count > Self.maximumInstructionCount {
                throw error(record[0], ClassicFormatMessage.tooLong(records.count - 1))
            }
        }
        guard Int(declared) == instructions.count else {
            throw error(countRecord[0], ClassicFormatMessage.countMismatch(declared: Int(declared), found: instructions.count))
        }
        guard !instructions.isEmpty else { throw error(countRecord[0], ClassicFormatMessage.empty) }
        self.init(instructions)
    }

    /// Reads the `tcpdump -dd` format: `{ code, jt, jf, k }` groups, optionally inside a C
    /// declaration `struct sock_filter name[] = { … };`. Integers are C literals.
    public init(cArrayText text: String, fileName: String? = nil) throws(ClassicFormatError) {
        let tokens = try ClassicTextLexer.tokens(text, fileName: fileName).filter { $0.kind != .newline }
        var position = 0
        func error(_ message: String) -> ClassicFormatError {
            if position < tokens.count {
                return ClassicFormatError(fileName: fileName, line: tokens[position].line, column: tokens[position].column, message: message)
            }
            let last = tokens.last
            return ClassicFormatError(fileName: fileName, line: last?.line ?? 1, column: last.map { $0.column + $0.text.count },
                                      message: message)
        }
        func expect(_ punctuation: Character) throws(ClassicFormatError) {
            guard position < tokens.count else { throw error(ClassicFormatMessage.unexpectedEnd(expected: "'\(punctuation)'")) }
            guard tokens[position].kind == .punctuation(punctuation) else {
                throw error(ClassicFormatMessage.unexpected(tokens[position].text, expected: "'\(punctuation)'"))
            }
            position += 1
        }
        func peek(_ punctuation: Character) -> Bool {
            position < tokens.count && tokens[position].kind == .punctuation(punctuation)
        }
        // An optional declaration: words and brackets up to '='.
        var isWrapped = false
        if position < tokens.count, case .word(let first) = tokens[position].kind, ClassicTextLexer.integer(first, allowsCOctal: true) == nil {
            while position < tokens.count && tokens[position].kind != .punctuation("=") {
                switch tokens[position].kind {
                case .word, .punctuation("["), .punctuation("]"), .punctuation("*"): position += 1
                default: throw error(ClassicFormatMessage.unexpected(tokens[position].text, expected: "a declaration ending in '='"))
                }
            }
            try expect("=")
            try expect("{")
            isWrapped = true
        } else if peek("{"), position + 1 < tokens.count, tokens[position + 1].kind == .punctuation("{") {
            position += 1  // an initializer's outer braces without a declaration
            isWrapped = true
        }
        var instructions: [ClassicInstruction] = []
        while position < tokens.count && !(isWrapped && peek("}")) {
            try expect("{")
            var group: [ClassicTextToken] = []
            for index in 0..<4 {
                guard position < tokens.count else { throw error(ClassicFormatMessage.unexpectedEnd(expected: "a number")) }
                guard case .word = tokens[position].kind else {
                    throw error(ClassicFormatMessage.unexpected(tokens[position].text, expected: "a number"))
                }
                group.append(tokens[position])
                position += 1
                if index < 3 { try expect(",") }
            }
            if peek(",") { position += 1 }  // a C initializer may end its last field with a comma
            try expect("}")
            instructions.append(try Self.fields(group, allowsCOctal: true, fileName: fileName))
            if instructions.count > Self.maximumInstructionCount {
                throw error(ClassicFormatMessage.tooLong(instructions.count))
            }
            if peek(",") { position += 1 }
        }
        if isWrapped {
            try expect("}")
            if peek(";") { position += 1 }
        }
        guard position == tokens.count else {
            throw error(ClassicFormatMessage.unexpected(tokens[position].text, expected: "the end of the program"))
        }
        guard !instructions.isEmpty else {
            throw ClassicFormatError(fileName: fileName, line: tokens.first?.line ?? 1, message: ClassicFormatMessage.empty)
        }
        self.init(instructions)
    }

    /// code, jt, jf, k from four word tokens, each checked against its width. `k` may be
    /// written negative (two's complement), as `SKF_AD_OFF + 0` often is.
    private static func fields(_ words: [ClassicTextToken], allowsCOctal: Bool, fileName: String?)
        throws(ClassicFormatError) -> ClassicInstruction
    {
        var values: [UInt32] = []
        for (index, token) in words.enumerated() {
            let name = ["code", "jt", "jf", "k"][index]
            guard case .word(let word) = token.kind, let value = ClassicTextLexer.integer(word, allowsCOctal: allowsCOctal) else {
                throw ClassicFormatError(fileName: fileName, line: token.line, column: token.column,
                                         message: ClassicFormatMessage.notANumber(token.text))
            }
            let bits = index == 0 ? 16 : index == 3 ? 32 : 8
            let fits = index == 3 ? (value >= Int64(Int32.min) && value <= Int64(UInt32.max)) : (value >= 0 && value < 1 << bits)
            guard fits else {
                throw ClassicFormatError(fileName: fileName, line: token.line, column: token.column,
                                         message: ClassicFormatMessage.outOfRange(name, token.text, bits: bits))
            }
            values.append(UInt32(truncatingIfNeeded: value))
        }
        return ClassicInstruction(code: UInt16(values[0]), jt: UInt8(values[1]), jf: UInt8(values[2]), k: values[3])
    }

    /// The `tcpdump -ddd` text: the count, then `code jt jf k` per line.
    public var decimalText: String {
        var out = "\(instructions.count)\n"
        for insn in instructions { out += "\(insn.code) \(insn.jt) \(insn.jf) \(insn.k)\n" }
        return out
    }

    /// The `tcpdump -dd` text: `{ 0x28, 0, 0, 0x0000000c },` per line, as tcpdump prints it.
    public var cArrayText: String {
        var out = ""
        for insn in instructions {
            let k = String(insn.k, radix: 16)
            out += "{ 0x\(String(insn.code, radix: 16)), \(insn.jt), \(insn.jf), 0x\(String(repeating: "0", count: 8 - k.count))\(k) },\n"
        }
        return out
    }
}
