// Tokens of the two text formats. Both are made of integers and a little punctuation; the
// decimal format also needs its record separators (line breaks, commas), so they are tokens too.
// C comments are skipped in both (a `-dd` listing pasted from a C file may carry them).

struct ClassicTextToken: Equatable {
    enum Kind: Equatable {
        /// An integer literal or any other run of letters, digits, `-`, `+`, `_`, `.`.
        case word(String)
        /// One of `{ } , ; = [ ]`, or another character outside words.
        case punctuation(Character)
        case newline
    }

    var kind: Kind
    var line: Int
    var column: Int

    var text: String {
        switch kind {
        case .word(let w): w
        case .punctuation(let c): String(c)
        case .newline: "end of line"
        }
    }
}

enum ClassicTextLexer {
    /// The tokens of `text`. An unterminated `/*` comment is an error, or with `stopsAtOpenComment`
    /// (for telling formats apart) the end of the tokens.
    static func tokens(_ text: String, fileName: String?, stopsAtOpenComment: Bool = false) throws(ClassicFormatError)
        -> [ClassicTextToken]
    {
        let bytes = Array(text.utf8)
        var tokens: [ClassicTextToken] = []
        var i = 0, line = 1, lineStart = 0
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        }
        while i < bytes.count {
            let b = bytes[i]
            let column = i - lineStart + 1
            if b == UInt8(ascii: "\n") {
                tokens.append(ClassicTextToken(kind: .newline, line: line, column: column))
                i += 1
                line += 1
                lineStart = i
            } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
                i += 1
            } else if b == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") {
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            } else if b == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") {
                let (startLine, startColumn) = (line, column)
                i += 2
                while true {
                    guard i + 1 < bytes.count else {
                        if stopsAtOpenComment { return tokens }
                        throw ClassicFormatError(fileName: fileName, line: startLine, column: startColumn,
                                                 message: ClassicFormatMessage.unterminatedComment)
                    }
                    if bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/") { i += 2; break }
                    if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
                    i += 1
                }
            } else if isWordByte(b) {
                let start = i
                while i < bytes.count && isWordByte(bytes[i]) { i += 1 }
                let word = String(decoding: bytes[start..<i], as: UTF8.self)
                tokens.append(ClassicTextToken(kind: .word(word), line: line, column: column))
            } else {
                // One character (a multi-byte one whole), so messages quote what the file has.
                var end = i + 1
                while end < bytes.count && bytes[end] & 0xc0 == 0x80 { end += 1 }
                let character = String(decoding: bytes[i..<end], as: UTF8.self).first ?? "?"
                tokens.append(ClassicTextToken(kind: .punctuation(character), line: line, column: column))
                i = end
            }
        }
        return tokens
    }

    /// The value of an integer literal: decimal, `0x` hex, C octal (leading `0`), an optional
    /// `-` (two's complement), C suffixes `u`/`l` ignored. Nil when `word` is not one.
    static func integer(_ word: String, allowsCOctal: Bool) -> Int64? {
        var text = Substring(word)
        var isNegative = false
        if text.hasPrefix("-") { isNegative = true; text = text.dropFirst() } else if text.hasPrefix("+") { text = text.dropFirst() }
        while let last = text.last, "uUlL".contains(last) { text = text.dropLast() }
        guard !text.isEmpty else { return nil }
        var radix = 10
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            radix = 16
            text = text.dropFirst(2)
        } else if allowsCOctal && text.count > 1 && text.hasPrefix("0") {
            radix = 8
            text = text.dropFirst()
        }
        guard !text.isEmpty, let magnitude = UInt64(text, radix: radix), magnitude <= UInt64(Int64.max) else { return nil }
        return isNegative ? -Int64(magnitude) : Int64(magnitude)
    }
}
