// The format language of `bpf_trace_printk` (kernel/bpf/helpers.c `bpf_bprintf_prepare()`,
// then `bstr_printf()`): `%[flags][width]conversion` with flags `0 + - space`, conversions
// `d i u x X` with optional `l`/`ll`, `c`, `s`, `%`, and the pointer forms `p px pK pS pB`
// (printed as 16 hex digits: the kernel's hashing of `%p` cannot be reproduced) and
// `pI4 pi4 pI6 pi6` (an address read through the pointer). Anything else, a missing NUL,
// a non-printable byte or more conversions than arguments makes the helper return -EINVAL.

/// Formats `bpf_trace_printk` messages.
enum TraceFormat {
    /// What a format argument that is a pointer may read: `count` bytes at `address`, or nil.
    typealias Reader = (_ address: UInt64, _ count: Int) -> [UInt8]?

    /// The message `format` (its bytes up to the first NUL, which must be there) produces with
    /// `arguments`, or nil where the kernel refuses the format.
    static func format(_ format: UnsafeRawBufferPointer, arguments: [UInt64], read: Reader) -> String? {
        guard let end = format.firstIndex(of: 0) else { return nil }
        let f = Array(format[0..<end]) + [0]
        var out = [UInt8]()
        var used = 0
        var i = 0
        while i < end {
            let c = f[i]
            guard c < 0x80, (c >= 0x20 && c < 0x7f) || (c >= 0x09 && c <= 0x0d) else { return nil }
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
            guard used < arguments.count else { return nil }
            let argument = arguments[used]
            used += 1
            i += 1
            var spec = Spec()
            while let flag = f[i].asFlag {
                spec.apply(flag)
                i += 1
            }
            if f[i] >= UInt8(ascii: "1") && f[i] <= UInt8(ascii: "9") {
                while f[i] >= UInt8(ascii: "0") && f[i] <= UInt8(ascii: "9") {
                    spec.width = min(spec.width * 10 + Int(f[i] - UInt8(ascii: "0")), 4096)
                    i += 1
                }
            }
            switch f[i] {
            case UInt8(ascii: "p"):
                let next = f[i + 1]
                if next == UInt8(ascii: "I") || next == UInt8(ascii: "i") {
                    let family = f[i + 2]
                    guard family == UInt8(ascii: "4") || family == UInt8(ascii: "6") else { return nil }
                    let count = family == UInt8(ascii: "4") ? 4 : 16
                    let bytes = read(argument, count) ?? [UInt8](repeating: 0, count: count)
                    out += spec.pad(Array(address(bytes, padded: next == UInt8(ascii: "i")).utf8))
                    i += 3
                } else if next == 0 || next.isSpaceOrPunctuation || [UInt8(ascii: "K"), UInt8(ascii: "x"),
                          UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "B")].contains(next) {
                    out += spec.pad(Array(hex(argument, digits: 16).utf8))
                    i += next == 0 || next.isSpaceOrPunctuation ? 1 : 2
                } else {
                    return nil
                }
            case UInt8(ascii: "s"):
                guard f[i + 1] == 0 || f[i + 1].isSpaceOrPunctuation else { return nil }
                out += spec.pad(string(at: argument, read: read))
                i += 1
            case UInt8(ascii: "c"):
                out += spec.pad([UInt8(truncatingIfNeeded: argument)])
                i += 1
            default:
                var isLong = false
                if f[i] == UInt8(ascii: "l") {
                    isLong = true
                    i += 1
                    if f[i] == UInt8(ascii: "l") { i += 1 }
                }
                let value = isLong ? argument : argument & 0xffff_ffff
                let digits: String
                var negative = false
                switch f[i] {
                case UInt8(ascii: "d"), UInt8(ascii: "i"):
                    let signed = isLong ? Int64(bitPattern: value) : Int64(Int32(truncatingIfNeeded: value))
                    negative = signed < 0
                    digits = String(signed.magnitude)
                case UInt8(ascii: "u"): digits = String(value)
                case UInt8(ascii: "x"): digits = String(value, radix: 16)
                case UInt8(ascii: "X"): digits = String(value, radix: 16, uppercase: true)
                default: return nil
                }
                out += spec.number(digits, negative: negative)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A NUL-terminated string at `address`, read a chunk at a time (empty when unreadable, as the
    /// kernel prints a string it cannot copy).
    private static func string(at address: UInt64, read: Reader) -> [UInt8] {
        var bytes = [UInt8]()
        while bytes.count < 512 {
            guard let byte = read(address &+ UInt64(bytes.count), 1)?.first else { return bytes.count > 0 ? bytes : [] }
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
        var width = 0

        mutating func apply(_ flag: UInt8) {
            switch flag {
            case UInt8(ascii: "-"): leftAlign = true
            case UInt8(ascii: "0"): zeroPad = true
            case UInt8(ascii: "+"): plus = true
            default: space = true
            }
        }

        func pad(_ text: [UInt8]) -> [UInt8] {
            let fill = [UInt8](repeating: UInt8(ascii: " "), count: max(0, width - text.count))
            return leftAlign ? text + fill : fill + text
        }

        func number(_ digits: String, negative: Bool) -> [UInt8] {
            let sign: [UInt8] = negative ? [UInt8(ascii: "-")] : plus ? [UInt8(ascii: "+")] : space ? [UInt8(ascii: " ")] : []
            let body = Array(digits.utf8)
            if zeroPad && !leftAlign {
                return sign + [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - sign.count - body.count)) + body
            }
            return pad(sign + body)
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
}
