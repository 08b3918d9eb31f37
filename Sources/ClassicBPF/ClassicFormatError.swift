/// Why a classic program's text or bytes could not be read, and where: a line and column of a
/// text format, or a record of the binary one.
public struct ClassicFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (or another name for the input) the error is in, when known.
    public var fileName: String?
    /// 1-based line and column of a text format; nil for the binary one.
    public var line: Int?
    public var column: Int?
    /// 0-based record (8-byte instruction) of the binary format.
    public var recordIndex: Int?
    public var message: String

    public init(fileName: String? = nil, line: Int? = nil, column: Int? = nil, recordIndex: Int? = nil, message: String) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.recordIndex = recordIndex
        self.message = message
    }

    /// `file:3:7: message` (text), `file: record 5: message` (binary), as compilers write it.
    public var description: String {
        var place = fileName ?? ""
        if let line {
            place += (place.isEmpty ? "" : ":") + "\(line)"
            if let column { place += ":\(column)" }
        } else if let recordIndex {
            place += (place.isEmpty ? "" : ": ") + "record \(recordIndex)"
        }
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// The messages of ``ClassicFormatError``, in one place so they are greppable and testable.
enum ClassicFormatMessage {
    static let empty = "no instructions (a classic program has 1 to 4096)"
    static func notMultipleOfRecord(_ byteCount: Int) -> String {
        "length \(byteCount) is not a multiple of 8 (struct sock_filter records are 8 bytes)"
    }
    static func tooLong(_ count: Int) -> String {
        "\(count) instructions, more than the kernel's limit of \(ClassicProgram.maximumInstructionCount)"
    }
    static func notANumber(_ token: String) -> String { "'\(token)' is not a number" }
    static func outOfRange(_ field: String, _ token: String, bits: Int) -> String {
        "\(field) \(token) does not fit in \(bits) bits"
    }
    static let countLine = "the first line must be the instruction count (tcpdump -ddd format)"
    static func fieldCount(_ found: Int) -> String {
        "expected 'code jt jf k' (4 numbers), found \(found) number\(found == 1 ? "" : "s")"
    }
    static func countMismatch(declared: Int, found: Int) -> String {
        "the count on line 1 says \(declared) instruction\(declared == 1 ? "" : "s"), the file has \(found)"
    }
    static func unexpected(_ token: String, expected: String) -> String { "expected \(expected), found '\(token)'" }
    static func unexpectedEnd(expected: String) -> String { "expected \(expected), found the end of the file" }
    static let unterminatedComment = "unterminated /* comment"
    static let notClassicText =
        "neither tcpdump -ddd text (a count, then 'code jt jf k' lines) nor tcpdump -dd text ('{ 0x28, 0, 0, 0x0000000c },' lines)"
}
