// Byte access at offsets from `data`, in the grammar of NIO's ByteBuffer: `get`/`set` never move
// anything and return nil/false out of range (offsets and sizes come from programs and packets,
// so out of range is an answer, not a trap). Unsuffixed integers are host order (what a program's
// `*(u32 *)(data + off)` sees); `BE` variants read and write network byte order.

extension SkBuff {
    /// Whether `size` bytes at `offset` from `data` lie inside the packet; never overflows.
    @inlinable
    public func contains(offset: Int, size: Int) -> Bool {
        offset >= 0 && size >= 0 && size <= length && offset <= length - size
    }

    @inlinable
    func integer<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
        contains(offset: offset, size: MemoryLayout<T>.size)
            ? data.loadUnaligned(fromByteOffset: offset, as: T.self) : nil
    }

    @inlinable
    func storeInteger<T: FixedWidthInteger>(_ value: T, at offset: Int) -> Bool {
        guard contains(offset: offset, size: MemoryLayout<T>.size) else { return false }
        data.storeBytes(of: value, toByteOffset: offset, as: T.self)
        return true
    }

    /// The byte at `offset` from `data`, nil outside the packet.
    @inlinable public func getUInt8(at offset: Int) -> UInt8? { integer(UInt8.self, at: offset) }
    /// Host-order integers at `offset` from `data` (unaligned), nil unless wholly inside the packet.
    @inlinable public func getUInt16(at offset: Int) -> UInt16? { integer(UInt16.self, at: offset) }
    @inlinable public func getUInt32(at offset: Int) -> UInt32? { integer(UInt32.self, at: offset) }
    @inlinable public func getUInt64(at offset: Int) -> UInt64? { integer(UInt64.self, at: offset) }
    /// Network-order (big-endian) integers at `offset` from `data`: header fields.
    @inlinable public func getUInt16BE(at offset: Int) -> UInt16? {
        integer(UInt16.self, at: offset).map(UInt16.init(bigEndian:))
    }
    @inlinable public func getUInt32BE(at offset: Int) -> UInt32? {
        integer(UInt32.self, at: offset).map(UInt32.init(bigEndian:))
    }
    @inlinable public func getUInt64BE(at offset: Int) -> UInt64? {
        integer(UInt64.self, at: offset).map(UInt64.init(bigEndian:))
    }

    /// Writes the byte at `offset` from `data`; false, writing nothing, outside the packet.
    @inlinable @discardableResult
    public func setUInt8(_ value: UInt8, at offset: Int) -> Bool { storeInteger(value, at: offset) }
    /// Writes a host-order integer; false, writing nothing, unless it fits wholly inside the packet.
    @inlinable @discardableResult
    public func setUInt16(_ value: UInt16, at offset: Int) -> Bool { storeInteger(value, at: offset) }
    @inlinable @discardableResult
    public func setUInt32(_ value: UInt32, at offset: Int) -> Bool { storeInteger(value, at: offset) }
    @inlinable @discardableResult
    public func setUInt64(_ value: UInt64, at offset: Int) -> Bool { storeInteger(value, at: offset) }
    /// Writes a network-order (big-endian) integer; false, writing nothing, unless it fits.
    @inlinable @discardableResult
    public func setUInt16BE(_ value: UInt16, at offset: Int) -> Bool { storeInteger(value.bigEndian, at: offset) }
    @inlinable @discardableResult
    public func setUInt32BE(_ value: UInt32, at offset: Int) -> Bool { storeInteger(value.bigEndian, at: offset) }
    @inlinable @discardableResult
    public func setUInt64BE(_ value: UInt64, at offset: Int) -> Bool { storeInteger(value.bigEndian, at: offset) }

    /// Copies `count` bytes at `offset` from `data` into `destination`; false, copying nothing,
    /// unless they lie inside the packet. Mirrors `skb_copy_bits()` for a linear skb.
    @discardableResult
    public func copyBytes(at offset: Int, count: Int, into destination: UnsafeMutableRawPointer) -> Bool {
        guard contains(offset: offset, size: count) else { return false }
        destination.copyMemory(from: data + offset, byteCount: count)
        return true
    }

    /// Writes `bytes` at `offset` from `data`; false, writing nothing, unless they fit inside the
    /// packet (the packet never grows here). Mirrors `skb_store_bits()` for a linear skb.
    @discardableResult
    public func writeBytes(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard contains(offset: offset, size: bytes.count) else { return false }
        if let base = bytes.baseAddress { (data + offset).copyMemory(from: base, byteCount: bytes.count) }
        return true
    }

    /// The packet, `data` to `tail`, as an array (tests, output; allocates).
    public var byteArray: [UInt8] { Array(UnsafeRawBufferPointer(start: data, count: length)) }
}
