// Byte access at offsets from `data`, in the grammar of NIO's ByteBuffer: `get`/`set` never move
// anything and return nil/false out of range; `BE` variants read network byte order.

extension SkBuff {
    @inlinable
    func inRange(_ offset: Int, _ size: Int) -> Bool { offset >= 0 && size <= length && offset <= length - size }

    @inlinable public func getUInt8(at offset: Int) -> UInt8? {
        inRange(offset, 1) ? data.load(fromByteOffset: offset, as: UInt8.self) : nil
    }
    @inlinable public func getUInt16BE(at offset: Int) -> UInt16? {
        inRange(offset, 2) ? UInt16(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) : nil
    }
    @inlinable public func getUInt32BE(at offset: Int) -> UInt32? {
        inRange(offset, 4) ? UInt32(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) : nil
    }
    @inlinable public func getUInt16(at offset: Int) -> UInt16? {
        inRange(offset, 2) ? data.loadUnaligned(fromByteOffset: offset, as: UInt16.self) : nil
    }
    @inlinable public func getUInt32(at offset: Int) -> UInt32? {
        inRange(offset, 4) ? data.loadUnaligned(fromByteOffset: offset, as: UInt32.self) : nil
    }

    @inlinable @discardableResult public func setUInt8(_ value: UInt8, at offset: Int) -> Bool {
        guard inRange(offset, 1) else { return false }
        data.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        return true
    }
    @inlinable @discardableResult public func setUInt16BE(_ value: UInt16, at offset: Int) -> Bool {
        guard inRange(offset, 2) else { return false }
        data.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        return true
    }
    @inlinable @discardableResult public func setUInt32BE(_ value: UInt32, at offset: Int) -> Bool {
        guard inRange(offset, 4) else { return false }
        data.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
        return true
    }

    /// Copies `count` bytes at `offset` into `destination`; false when out of range.
    @discardableResult
    public func copyBytes(at offset: Int, count: Int, into destination: UnsafeMutableRawPointer) -> Bool {
        guard count >= 0, inRange(offset, count) else { return false }
        destination.copyMemory(from: data + offset, byteCount: count)
        return true
    }

    /// Writes `bytes` at `offset`; false (nothing written) when they would not fit inside the packet.
    @discardableResult
    public func writeBytes(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard inRange(offset, bytes.count) else { return false }
        if let base = bytes.baseAddress { (data + offset).copyMemory(from: base, byteCount: bytes.count) }
        return true
    }

    /// The packet as an array (tests, output).
    public var byteArray: [UInt8] { Array(UnsafeRawBufferPointer(start: data, count: length)) }
}
