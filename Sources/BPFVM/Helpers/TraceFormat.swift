// The format language of `bpf_trace_printk` (kernel/bpf/helpers.c `bpf_bprintf_prepare()`,
// then lib/vsprintf.c `bstr_printf()`), as measured on Linux 6.18 through the trace pipe:
//
//   %[flags 0+- ][width]conversion        at most 3 conversions (the helper's r3–r5)
//   d i u x X, with l / ll                 32-bit unless l; `+` and ` ` only sign d and i
//   c s                                    width pads with spaces (a `0` flag too)
//   %%                                     a literal %, no flags or width allowed
//   p (next char not alphanumeric), pK px  the value in hex: 16 zero-filled digits, or the
//                                          width's worth; the kernel hashes %p/%pK values that are
//                                          neither NULL nor error pointers (not reproducible)
//   ps pS pB                               "0x…": no kernel symbol is ever a program's address
//   pks pus                                a string (kernel / user memory; the program's memory is
//                                          kernel memory, so %pus reads nothing); no width
//   pI4 pi4 pI6 pi6                        an address read through the pointer (zeros when
//                                          unreadable); no width
//
// After a `%p…` conversion `bstr_printf` skips every alphanumeric character (`%pI4x` drops the x).
// Anything else, a missing NUL, a byte that is not printable ASCII or whitespace, or a fourth
// conversion makes the helper return -EINVAL. The arguments are first copied into a 512-byte
// buffer (numbers 4-byte aligned, strings with their NUL, addresses pre-formatted); one that does
// not fit gives -ENOSPC, a string is cut to the room left. The message is formatted into 1024
// bytes: the trace line holds at most 1023, the helper returns the untruncated length.

/// Formats `bpf_trace_printk` messages.
enum TraceFormat {
    /// What a format argument that is a pointer may read: `count` bytes at `address`, or nil.
    typealias Reader = (_ address: UInt64, _ count: Int) -> [UInt8]?

    /// A formatted message: the bytes the trace line shows and the helper's return value.
    struct Message: Equatable {
        /// What reaches the trace buffer: at most 1023 bytes, up to the first NUL (a `%c` of 0).
        var text: [UInt8]
        /// `bstr_printf()`'s return: the length of the whole message, however long.
        var length: Int
    }

    /// `MAX_BPRINTF_BUF`: the formatted message, its NUL included.
    static let messageBufferSize = 1024
    /// `MAX_BPRINTF_BIN_ARGS`: the copied arguments.
    static let argumentBufferSize = 512
    /// `FIELD_WIDTH_MAX` of lib/vsprintf.c: larger widths are clamped to it.
    static let maximumWidth = (1 << 23) - 1

    static let invalid = UInt64(bitPattern: -22)   // -EINVAL
    static let noSpace = UInt64(bitPattern: -28)   // -ENOSPC

    /// The message `format` (its bytes up to the first NUL, which must be there) produces with
    /// `arguments`, or the helper's negative errno (``invalid``, ``noSpace``) in r0 form.
    static func format(_ format: UnsafeRawBufferPointer, arguments: [UInt64], read: Reader) -> Result<Message, Refusal> {
        guard let end = format.firstIndex(of: 0) else { return .failure(Refusal(invalid)) }
        let f = Array(format[0..<end]) + [0, 0, 0]  // lookahead of up to 3 bytes reads NULs
        var out = Output()
        var used = 0
        var argumentBytes = 0  // bytes of the 512-byte argument buffer taken so far
        var i = 0
        /// Takes `count` bytes of the argument buffer, 4-byte aligned first when `aligned`.
        func take(_ count: Int, aligned: Bool) -> Bool {
            if aligned { argumentBytes = (argumentBytes + 3) & ~3 }
            guard argumentBufferSize - argumentBytes >= count else { return false }
            argumentBytes += count
            return true
        }
        /// A string argument as `bpf_trace_copy_string()` copies it: cut to the room left.
        func copyString(_ address: UInt64, readable: Bool) -> [UInt8]? {
            guard argumentBytes < argumentBufferSize else { return nil }
            let room = argumentBufferSize - argumentBytes
            let bytes = readable ? string(at: address, limit: room - 1, read: read) : []
            argumentBytes += bytes.count + 1
            return bytes
        }
        /// A `%pB`/`%pI…` text snprintf()ed into the argument buffer: cut to the room left, no width.
        func preformatted(_ text: [UInt8]) -> ArraySlice<UInt8> {
            let room = argumentBufferSize - argumentBytes
            argumentBytes = min(argumentBytes + text.count + 1, argumentBufferSize)
            return text.prefix(max(0, room - 1))
        }
        while i < end {
            let c = f[i]
            guard c < 0x80, (c >= 0x20 && c < 0x7f) || (c >= 0x09 && c <= 0x0d) else { return .failure(Refusal(invalid)) }
            guard c == UInt8(ascii: "%") else {
                out.append(c)
                i += 1
                continue
            }
            if f[i + 1] == UInt8(ascii: "%") {
                out.append(c)
                i += 2
                continue
            }
            guard used < arguments.count else { return .failure(Refusal(invalid)) }
            let argument = arguments[used]
            used += 1
            i += 1
            var spec = Spec()
            while let flag = f[i].asFlag {
                spec.apply(flag)
                i += 1
            }
            if f[i] >= UInt8(ascii: "1") && f[i] <= UInt8(ascii: "9") {
                var width = 0
                while f[i] >= UInt8(ascii: "0") && f[i] <= UInt8(ascii: "9") {
                    width = min(width * 10 + Int(f[i] - UInt8(ascii: "0")), maximumWidth)
                    i += 1
                }
                spec.width = width
            }
            switch f[i] {
            case UInt8(ascii: "p"):
                let next = f[i + 1]
                if (next == UInt8(ascii: "k") || next == UInt8(ascii: "u")) && f[i + 2] == UInt8(ascii: "s") {
                    guard f[i + 3] == 0 || f[i + 3].isSpaceOrPunctuation else { return .failure(Refusal(invalid)) }
                    guard let text = copyString(argument, readable: next == UInt8(ascii: "k")) else {
                        return .failure(Refusal(noSpace))
                    }
                    out.append(text)  // pre-formatted: no width
                    i += 3
                    continue
                }
                if next == 0 || next.isSpaceOrPunctuation || next == UInt8(ascii: "K") || next == UInt8(ascii: "x") {
                    guard take(8, aligned: true) else { return .failure(Refusal(noSpace)) }
                    out.append(spec.pointer(argument))
                } else if next == UInt8(ascii: "s") || next == UInt8(ascii: "S") {
                    guard take(8, aligned: true) else { return .failure(Refusal(noSpace)) }
                    out.append(spec.pad(Array("0x\(String(argument, radix: 16))".utf8)))
                } else if next == UInt8(ascii: "B") {
                    out.append(preformatted(Array("0x\(String(argument, radix: 16))".utf8)))
                } else if (next == UInt8(ascii: "I") || next == UInt8(ascii: "i"))
                            && (f[i + 2] == UInt8(ascii: "4") || f[i + 2] == UInt8(ascii: "6")) {
                    let count = f[i + 2] == UInt8(ascii: "4") ? 4 : 16
                    guard argumentBufferSize - argumentBytes >= count else { return .failure(Refusal(noSpace)) }
                    let bytes = read(argument, count) ?? [UInt8](repeating: 0, count: count)
                    out.append(preformatted(Array(address(bytes, padded: next == UInt8(ascii: "i")).utf8)))
                } else {
                    return .failure(Refusal(invalid))
                }
                // bstr_printf skips the alphanumerics after %p (its extension letters and more).
                i += 1
                while f[i].isAlphanumeric { i += 1 }
            case UInt8(ascii: "s"):
                guard f[i + 1] == 0 || f[i + 1].isSpaceOrPunctuation else { return .failure(Refusal(invalid)) }
                guard let text = copyString(argument, readable: true) else { return .failure(Refusal(noSpace)) }
                out.append(spec.pad(text))
                i += 1
            case UInt8(ascii: "c"):
                guard take(1, aligned: false) else { return .failure(Refusal(noSpace)) }
                out.append(spec.pad([UInt8(truncatingIfNeeded: argument)]))
                i += 1
            default:
                var size = 4
                if f[i] == UInt8(ascii: "l") {
                    size = 8
                    i += 1
                    if f[i] == UInt8(ascii: "l") { i += 1 }
                }
                let value = size == 8 ? argument : argument & 0xffff_ffff
                let digits: String
                var sign: Bool? = nil  // nil: unsigned (no `+` or ` `)
                switch f[i] {
                case UInt8(ascii: "d"), UInt8(ascii: "i"):
                    let signed = size == 8 ? Int64(bitPattern: value) : Int64(Int32(truncatingIfNeeded: value))
                    sign = signed < 0
                    digits = String(signed.magnitude)
                case UInt8(ascii: "u"): digits = String(value)
                case UInt8(ascii: "x"): digits = String(value, radix: 16)
                case UInt8(ascii: "X"): digits = String(value, radix: 16, uppercase: true)
                default: return .failure(Refusal(invalid))
                }
                guard take(size, aligned: true) else { return .failure(Refusal(noSpace)) }
                out.append(spec.number(digits, negative: sign))
                i += 1
            }
        }
        return .success(Message(text: out.text, length: out.length))
    }

    /// A refused format: the helper's return value.
    struct Refusal: Error, Equatable {
        var returnValue: UInt64
        init(_ returnValue: UInt64) { self.returnValue = returnValue }
    }

    /// The message as `bstr_printf()` writes it into its 1024-byte buffer: the length counts
    /// everything, the text keeps what fits before the buffer's NUL.
    private struct Output {
        var text: [UInt8] = []
        var length = 0
        private var isCut = false

        mutating func append(_ byte: UInt8) { append(CollectionOfOne(byte)) }

        mutating func append<C: Collection<UInt8>>(_ bytes: C) {
            length += bytes.count
            guard !isCut else { return }
            for byte in bytes {
                // The trace event copies the buffer as a C string: a NUL (from %c) ends it.
                if byte == 0 || text.count == TraceFormat.messageBufferSize - 1 {
                    isCut = true
                    return
                }
                text.append(byte)
            }
        }
    }

    /// A NUL-terminated string at `address`, at most `limit` bytes (empty when unreadable, as the
    /// kernel prints a string it cannot copy).
    private static func string(at address: UInt64, limit: Int, read: Reader) -> [UInt8] {
        var bytes = [UInt8]()
        while bytes.count < limit {
            guard let byte = read(address &+ UInt64(bytes.count), 1)?.first else { return bytes }
            if byte == 0 { break }
            bytes.append(byte)
        }
        return bytes
    }

    /// `%pI4` (`1.2.3.4`), `%pi4` (`001.002.003.004`), `%pI6` (eight colon-separated groups of
    /// four digits) and `%pi6` (32 digits).
    private static func address(_ bytes: [UInt8], padded: Bool) -> String {
        if bytes.count == 4 {
            return bytes.map { padded ? leftPad(String($0), 3) : String($0) }.joined(separator: ".")
        }
        let groups = stride(from: 0, to: 16, by: 2).map { hex(UInt64(bytes[$0]) << 8 | UInt64(bytes[$0 + 1]), digits: 4) }
        return groups.joined(separator: padded ? "" : ":")
    }

    private static func hex(_ value: UInt64, digits: Int) -> String { leftPad(String(value, radix: 16), digits) }

    private static func leftPad(_ s: String, _ count: Int) -> String {
        String(repeating: "0", count: max(0, count - s.count)) + s
    }

    /// Flags and width of one conversion.
    private struct Spec {
        var leftAlign = false, zeroPad = false, plus = false, space = false
        /// nil: no width given.
        var width: Int? = nil

        mutating func apply(_ flag: UInt8) {
            switch flag {
            case UInt8(ascii: "-"): leftAlign = true
            case UInt8(ascii: "0"): zeroPad = true
            case UInt8(ascii: "+"): plus = true
            default: space = true
            }
        }

        /// `text` padded with spaces to the width (strings and characters ignore the `0` flag).
        func pad(_ text: [UInt8]) -> [UInt8] {
            let fill = [UInt8](repeating: UInt8(ascii: " "), count: max(0, (width ?? 0) - text.count))
            return leftAlign ? text + fill : fill + text
        }

        /// `digits` with the sign of a signed conversion (`negative` nil for unsigned ones).
        func number(_ digits: String, negative: Bool?) -> [UInt8] {
            let sign: [UInt8] = switch negative {
            case true?: [UInt8(ascii: "-")]
            case false? where plus: [UInt8(ascii: "+")]
            case false? where space: [UInt8(ascii: " ")]
            default: []
            }
            let body = Array(digits.utf8)
            if zeroPad && !leftAlign {
                return sign + [UInt8](repeating: UInt8(ascii: "0"), count: max(0, (width ?? 0) - sign.count - body.count)) + body
            }
            return pad(sign + body)
        }

        /// `pointer_string()`: 16 zero-filled hex digits without a width, else a hex number.
        func pointer(_ value: UInt64) -> [UInt8] {
            guard width != nil else { return Array(TraceFormat.hex(value, digits: 16).utf8) }
            return number(String(value, radix: 16), negative: nil)
        }
    }
}

extension UInt8 {
    fileprivate var asFlag: UInt8? {
        self == UInt8(ascii: "0") || self == UInt8(ascii: "+") || self == UInt8(ascii: "-") || self == UInt8(ascii: " ")
            ? self : nil
    }

    /// C's `isspace(c) || ispunct(c)` for ASCII.
    fileprivate var isSpaceOrPunctuation: Bool {
        (self >= 0x09 && self <= 0x0d) || self == 0x20
            || (self >= 0x21 && self <= 0x2f) || (self >= 0x3a && self <= 0x40)
            || (self >= 0x5b && self <= 0x60) || (self >= 0x7b && self <= 0x7e)
    }

    /// C's `isalnum(c)`.
    fileprivate var isAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5a) || (self >= 0x61 && self <= 0x7a)
    }
}
