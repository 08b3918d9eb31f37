import Glibc

/// A file written through a large buffer with `write(2)`, for text the replay produces per
/// packet (`verdicts.jsonl`): appending bytes and decimal numbers allocates nothing.
final class BufferedOutputFile {
    let path: String
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var count = 0
    /// The first write error (errno), reported at ``close()``.
    private(set) var failure: Int32 = 0

    init(path: String, capacity: Int = 1 << 20) throws(CommandFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .usage("\(path): cannot create: \(String(cString: strerror(errno)))") }
        self.path = path
        descriptor = fd
        self.capacity = capacity
        buffer = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit {
        flush()
        Glibc.close(descriptor)
        buffer.deallocate()
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { flush() }
        buffer.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        if count + bytes.count > capacity { flush() }
        if bytes.count > capacity {
            write(bytes.baseAddress!, bytes.count)
            return
        }
        if let base = bytes.baseAddress { (buffer + count).copyMemory(from: base, byteCount: bytes.count) }
        count += bytes.count
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// `value` in decimal.
    @inline(__always)
    func append(decimal value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            append(decimal: UInt64(value.magnitude))
        } else {
            append(decimal: UInt64(value))
        }
    }

    @inline(__always)
    func append(decimal value: UInt64) {
        if count + 20 > capacity { flush() }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch on the stack
        var n = value
        var length = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[23 - length] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                length += 1
            } while n > 0
            (buffer + count).copyMemory(from: scratch.baseAddress! + 24 - length, byteCount: length)
        }
        count += length
    }

    func flush() {
        guard count > 0 else { return }
        write(buffer, count)
        count = 0
    }

    private func write(_ start: UnsafeRawPointer, _ length: Int) {
        var offset = 0
        while offset < length {
            let written = Glibc.write(descriptor, start + offset, length - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if failure == 0 { failure = errno }
                return
            }
            offset += written
        }
    }

    /// Flushes; throws the first write error.
    func close() throws(CommandFailure) {
        flush()
        if failure != 0 { throw .rejected("\(path): write failed: \(String(cString: strerror(failure)))") }
    }
}
