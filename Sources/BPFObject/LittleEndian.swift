// Little-endian field reads from the object's bytes. Callers check ranges first (every
// structure is bounds-checked as a whole before its fields are read), so an out-of-range
// index here is a bug in this module, never a property of the input.

extension [UInt8] {
    func u8(at offset: Int) -> UInt8 { self[offset] }

    func u16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func u32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }

    func u64(at offset: Int) -> UInt64 {
        UInt64(u32(at: offset)) | UInt64(u32(at: offset + 4)) << 32
    }

    /// Whether `count` bytes at `offset` (both as stored in the file) lie inside the array;
    /// if so, the range as `Int`s.
    func range(offset: UInt64, count: UInt64) -> Range<Int>? {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= UInt64(self.count) else { return nil }
        return Int(offset)..<Int(end)
    }
}
