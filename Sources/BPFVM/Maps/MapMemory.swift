// Raw storage of map elements. Every map allocates all of its memory when it is created, as the
// kernel's preallocated maps do, and frees it only when the map goes away: a value's address is
// valid for the map's whole life, and the helper path never allocates.

/// Zeroed, aligned raw memory and overflow-checked size arithmetic for map storage.
enum MapMemory {
    /// Cache-line alignment: values are 8-byte aligned for programs' 8-byte loads and atomics, and
    /// per-CPU blocks of different workers do not share a line.
    static let alignment = 64

    /// `byteCount` zeroed bytes (at least one, so every map has a valid base address).
    static func allocate(byteCount: Int, alignment: Int = MapMemory.alignment) -> UnsafeMutableRawPointer {
        let n = max(byteCount, 1)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: alignment)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: n)
        return memory
    }

    /// `count` elements of `T`, each set to `value`.
    static func allocate<T>(_ type: T.Type, count: Int, repeating value: T) -> UnsafeMutablePointer<T> {
        let memory = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        memory.initialize(repeating: value, count: max(count, 1))
        return memory
    }

    /// `a * b`, or nil on overflow.
    static func product(_ a: Int, _ b: Int) -> Int? {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || p < 0 ? nil : p
    }

    /// The sum of the terms, or nil if one is nil or the sum overflows.
    static func sum(_ terms: Int?...) -> Int? {
        var total = 0
        for term in terms {
            guard let term else { return nil }
            let (s, overflow) = total.addingReportingOverflow(term)
            if overflow { return nil }
            total = s
        }
        return total
    }

    /// `n` rounded up to a multiple of 8 (`round_up(n, 8)`).
    @inline(__always)
    static func roundUp8(_ n: Int) -> Int { (n + 7) & ~7 }
}
