/// Lower-case hex text of bytes and back, as `bytes.hex()` / `bytes.fromhex()` in the kernel oracle.
enum HexBytes {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of `text` (an even number of hex digits, either case; spaces between bytes are
    /// allowed, as Python's `fromhex` allows them), or nil.
    static func decode(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8? = nil
        for c in text.utf8 {
            if c == UInt8(ascii: " ") && high == nil { continue }
            guard let v = value(c) else { return nil }
            if let h = high {
                bytes.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? bytes : nil
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
