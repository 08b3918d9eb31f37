/// A write position inside an output buffer that already has room for the whole record being
/// built (``BufferedOutputFile/withCursor(maximumByteCount:_:)`` makes sure of it), so each
/// piece is a plain store: no capacity check, no class access per byte. A `verdicts.jsonl`
/// line built piece by piece through the file cost ~270 ns; through a cursor ~60.
struct OutputCursor {
    private(set) var position: UnsafeMutableRawPointer

    init(_ position: UnsafeMutableRawPointer) { self.position = position }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        position.storeBytes(of: value, as: UInt8.self)
        position += 1
    }

    @inline(__always)
    mutating func literal(_ text: StaticString) {
        position.copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        position += text.utf8CodeUnitCount
    }

    @inline(__always)
    mutating func bytes(_ start: UnsafeRawPointer, _ count: Int) {
        position.copyMemory(from: start, byteCount: count)
        position += count
    }

    /// At most 20 bytes.
    @inline(__always)
    mutating func decimal(_ value: UInt64) {
        if value < 10 {
            byte(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var length = 1
        var bound: UInt64 = 10
        while length < 20 && value >= bound {
            length += 1
            if length < 20 { bound &*= 10 }
        }
        var n = value
        var at = position + length
        repeat {
            at -= 1
            at.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: n % 10), as: UInt8.self)
            n /= 10
        } while n > 0
        position += length
    }

    /// At most 20 bytes.
    @inline(__always)
    mutating func decimal(_ value: Int) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            decimal(UInt64(value.magnitude))
        } else {
            decimal(UInt64(value))
        }
    }
}

/// Byte strings stored end to end, written by index: `[[UInt8]]` costs a retain and a release
/// per use, this a load of two integers.
struct ByteStringTable {
    private let storage: UnsafeMutableRawPointer
    private let spans: UnsafeMutablePointer<(offset: Int, count: Int)>
    let count: Int
    /// The longest string's length, for sizing records.
    let maximumLength: Int

    init(_ strings: [[UInt8]]) {
        let total = strings.reduce(0) { $0 + $1.count }
        storage = .allocate(byteCount: max(total, 1), alignment: 8)
        spans = .allocate(capacity: max(strings.count, 1))
        var offset = 0
        for (i, string) in strings.enumerated() {
            let at = storage + offset
            string.withUnsafeBytes { if let base = $0.baseAddress { at.copyMemory(from: base, byteCount: $0.count) } }
            (spans + i).initialize(to: (offset, string.count))
            offset += string.count
        }
        count = strings.count
        maximumLength = strings.map(\.count).max() ?? 0
    }

    /// Frees the storage; the table is unusable afterwards.
    func deallocate() {
        storage.deallocate()
        spans.deallocate()
    }

    @inline(__always)
    func write(_ index: Int, to cursor: inout OutputCursor) {
        let span = spans[index]
        cursor.bytes(storage + span.offset, span.count)
    }
}
