import BPFISA

/// One test vector file of the eBPF conformance suites (bpf_conformance, ubpf `tests/`).
///
/// The format: `#` comment lines, then sections opened by `-- name` lines:
/// ```
/// -- asm            program text (conformance dialect); `-- asm @ FILE` reads it from FILE
/// -- raw            program as hex bytes, or one 64-bit number per slot (its little-endian encoding);
///                   with `-- asm` too, the assembler's output must equal it
/// -- mem            input memory as hex bytes; `-- mem @ FILE` reads hex from FILE
/// -- result         expected r0, hex
/// -- error          the program must be refused or fail (text is the reference tool's wording)
/// -- error pattern  the same, the text being a regular expression
/// -- c, -- description, -- no jit, -- no register offset, -- unload
///                   informational: source, prose, or switches of other engines with no meaning here
/// -- pyelf, -- reload
///                   cases for other harnesses (ELF built by a Python script, a VM API misuse): reported as skipped
/// ```
/// Any other section name is an error: nothing is skipped silently.
public struct ConformanceVector: Sendable {
    public var path: String
    /// Program text (conformance dialect) and the file it came from.
    public var assembly: (text: String, file: String)?
    /// Program bytecode.
    public var raw: [UInt8]?
    public var memory: [UInt8]
    public var expectedResult: UInt64?
    /// The expected failure text, when the vector expects the program to be refused or to fail.
    public var expectedError: String?
    /// Why this vector cannot run here, when it belongs to another harness.
    public var skipReason: String?

    /// Sections that carry no instruction for this runner.
    static let informationalSections: Set<String> = ["c", "description", "no jit", "no register offset", "unload"]
    static let otherHarnessSections: [String: String] = [
        "pyelf": "ELF built by a Python script of the ubpf harness (ELF damage is covered by BPFObject tests)",
        "reload": "ubpf VM API misuse (loading code twice into one VM) has no counterpart here",
    ]

    /// Parses a vector file. `readFile` resolves `@ FILE` references relative to the vector's folder.
    public init(path: String, text: String, readFile: (String) throws -> String) throws(ConformanceVectorError) {
        self.path = path
        self.memory = []
        var sections: [(name: String, argument: String?, line: Int, body: [String])] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("-- ") || line == "--" {
                var header = line.dropFirst(2).trimmingSpaces()
                var argument: String?
                if let at = header.firstIndex(of: "@") {
                    argument = String(header[header.index(after: at)...].trimmingSpaces())
                    header = header[..<at].trimmingSpaces()
                }
                sections.append((String(header), argument, number + 1, []))
            } else if !sections.isEmpty {
                sections[sections.count - 1].body.append(String(line))
            }
        }
        guard !sections.isEmpty else { throw .init(path: path, line: 1, message: "no sections (expected '-- asm' or '-- raw')") }

        for section in sections {
            let body = section.body.joined(separator: "\n")
            func referenced() throws(ConformanceVectorError) -> String {
                guard let file = section.argument else { return body }
                do { return try readFile(file) } catch {
                    throw .init(path: path, line: section.line, message: "cannot read '\(file)': \(error)")
                }
            }
            switch section.name {
            case "asm":
                if let file = section.argument {
                    assembly = (try referenced(), file)
                } else {
                    // Blank lines in front keep assembler diagnostics at the vector file's line numbers.
                    assembly = (String(repeating: "\n", count: section.line) + body, path)
                }
            case "raw":
                raw = try Self.hexBytes(body, path: path, line: section.line, wordsAreSlots: true)
            case "mem":
                memory = try Self.hexBytes(try referenced(), path: path, line: section.line)
            case "result":
                let value = body.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? ""
                guard let parsed = Self.parseInteger(value) else {
                    throw .init(path: path, line: section.line, message: "-- result: '\(value)' is not a number")
                }
                expectedResult = parsed
            case "error", "error pattern":
                expectedError = body.trimmingSpaces().isEmpty ? "(any error)" : String(body.trimmingSpaces())
            case let name where Self.informationalSections.contains(name):
                continue
            case let name where Self.otherHarnessSections[name] != nil:
                skipReason = Self.otherHarnessSections[name]
            default:
                throw .init(path: path, line: section.line, message: "unknown section '-- \(section.name)'")
            }
        }
        if skipReason == nil, assembly == nil, raw == nil {
            throw .init(path: path, line: 1, message: "no program: expected an '-- asm' or '-- raw' section")
        }
        if skipReason == nil, expectedResult == nil, expectedError == nil, assembly == nil || raw == nil {
            throw .init(path: path, line: 1,
                        message: "no expectation: expected '-- result', '-- error', or both '-- asm' and '-- raw'")
        }
    }

    /// Hex bytes: `aa bb`, `aabb`, hexdump lines (`0x0010:  0026 622f`, offsets skipped), and with
    /// `wordsAreSlots` a `0x` number of 16 digits as one instruction slot in little-endian order.
    public static func hexBytes(
        _ text: String, path: String, line: Int, wordsAreSlots: Bool = false
    ) throws(ConformanceVectorError) -> [UInt8] {
        var bytes: [UInt8] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for token in content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) where !token.hasSuffix(":") {
                if wordsAreSlots, token.hasPrefix("0x"), token.count == 18, let word = UInt64(token.dropFirst(2), radix: 16) {
                    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
                    continue
                }
                let digits = token.hasPrefix("0x") ? token.dropFirst(2) : token[...]
                guard !digits.isEmpty, digits.count % 2 == 0 else {
                    throw .init(path: path, line: line + 1 + offset, message: "'\(token)' is not a hex byte")
                }
                var index = digits.startIndex
                while index < digits.endIndex {
                    let next = digits.index(index, offsetBy: 2)
                    guard let byte = UInt8(digits[index..<next], radix: 16) else {
                        throw .init(path: path, line: line + 1 + offset, message: "'\(token)' is not a hex byte")
                    }
                    bytes.append(byte)
                    index = next
                }
            }
        }
        return bytes
    }

    static func parseInteger(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("-"), let negative = Int64(text) { return UInt64(bitPattern: negative) }
        return UInt64(text)
    }
}

/// A vector file that cannot be understood, at a line.
public struct ConformanceVectorError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var line: Int
    public var message: String
    public var description: String { "\(path):\(line): \(message)" }
}

extension StringProtocol {
    func trimmingSpaces() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
