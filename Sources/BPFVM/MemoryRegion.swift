/// A block of memory a run may access: the stack frames, the input memory, later the context
/// and the packet. Checked mode allows a load only inside a region, a store only inside a writable one.
public struct MemoryRegion {
    public var start: UnsafeMutableRawPointer
    public var byteCount: Int
    public var isWritable: Bool
    public var name: StaticString

    public init(start: UnsafeMutableRawPointer, byteCount: Int, isWritable: Bool, name: StaticString) {
        self.start = start
        self.byteCount = byteCount
        self.isWritable = isWritable
        self.name = name
    }

    /// A region as trap messages show it.
    public struct Description: Hashable, Sendable {
        public var name: String
        public var start: UInt64
        public var byteCount: Int
        public var isWritable: Bool
    }

    var description: Description {
        Description(name: "\(name)", start: UInt64(UInt(bitPattern: start)), byteCount: byteCount, isWritable: isWritable)
    }

    /// True if `[address, address + size)` lies inside this region.
    @inline(__always)
    func contains(_ address: UInt64, _ size: Int) -> Bool {
        let offset = address &- UInt64(UInt(bitPattern: start))
        return offset < UInt64(byteCount) && UInt64(byteCount) &- offset >= UInt64(size)
    }
}
