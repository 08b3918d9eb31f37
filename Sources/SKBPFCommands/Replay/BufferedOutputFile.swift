import Glibc

/// A file written through a large buffer with `write(2)`, for text the replay produces per
/// packet (`verdicts.jsonl`): appending bytes and decimal numbers allocates nothing.
final class BufferedOutputFile {
    let path: String
    private let descriptor: Int32
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var count = 0
    /// The first write error (errno), reported at ``close()``.
    private(set) var failure: Int32 = 0

    init(path: String, capacity: Int = 1 << 17) throws(CommandFailure) {
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

    /// Runs `body` with a cursor at the end of the buffered bytes, after making room for
    /// `maximumByteCount` bytes; the bytes `body` wrote are appended.
    @inline(__always)
    func withCursor(maximumByteCount: Int, _ body: (inout OutputCursor) -> Void) {
        if count + maximumByteCount > capacity { makeRoom(maximumByteCount) }
        let start = buffer + count
        var cursor = OutputCursor(start)
        body(&cursor)
        count += cursor.position - start
    }

    @inline(never)
    private func makeRoom(_ byteCount: Int) {
        flush()
        if byteCount > capacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
            buffer.deallocate()
            buffer = grown
            capacity = byteCount
        }
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
