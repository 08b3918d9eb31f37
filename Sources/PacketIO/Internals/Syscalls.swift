// The C library calls PacketIO makes outside libpcap, each in one `system_*` shim (swift-system's
// pattern): stdio streams that PacketIO opens itself so it can give them a large buffer before
// handing them to libpcap (`pcap_fopen_offline(3)`, `pcap_dump_fopen(3)`).
//
// Why open the streams here rather than let libpcap do it: libpcap's own `fopen` leaves the
// stream with glibc's default buffer (st_blksize, 4 KiB), and `pcap_next_ex`/`pcap_dump` then
// cost two locked `fread`/`fwrite` calls per packet plus a read(2)/write(2) every 4 KiB. A
// 1 MiB buffer and `FSETLOCKING_BYCALLER` (a reader or writer is owned by one thread at a
// time: they are ~Copyable and not Sendable) remove most of that; see the PcapIO benchmark.

internal import CPcap
internal import Glibc

/// A stdio stream with a buffer PacketIO owns (freed after the stream is closed).
struct BufferedStream {
    var file: UnsafeMutablePointer<FILE>
    var buffer: UnsafeMutableRawPointer?
}

/// `fopen(3)` with a `byteCount` full buffer and caller-side locking; `errno` on failure.
/// `byteCount == 0` keeps glibc's buffer.
func system_fopen(_ path: String, mode: String, bufferByteCount byteCount: Int) -> Result<BufferedStream, Errno> {
    var file: UnsafeMutablePointer<FILE>?
    repeat {
        file = fopen(path, mode)
    } while file == nil && errno == EINTR
    guard let file else { return .failure(Errno(errno)) }
    var buffer: UnsafeMutableRawPointer? = nil
    if byteCount > 0 {
        buffer = malloc(byteCount)
        if let buffer, setvbuf(file, buffer.assumingMemoryBound(to: CChar.self), _IOFBF, byteCount) != 0 {
            // The stream keeps its default buffer; nothing else to undo.
            free(buffer)
            return .success(BufferedStream(file: file, buffer: nil))
        }
    }
    _ = __fsetlocking(file, Int32(FSETLOCKING_BYCALLER))
    return .success(BufferedStream(file: file, buffer: buffer))
}

/// Frees the buffer of a stream already closed (by `fclose(3)`, `pcap_close(3)` or
/// `pcap_dump_close(3)`, which all close the FILE).
func system_freeStreamBuffer(_ stream: BufferedStream) {
    free(stream.buffer)
}

/// `fclose(3)` of a stream libpcap did not take, then its buffer.
func system_fclose(_ stream: BufferedStream) {
    fclose(stream.file)
    free(stream.buffer)
}

/// `ferror(3)`: whether a write or read on the stream has failed (no lock: see the file comment).
@inline(__always)
func system_ferror(_ file: UnsafeMutablePointer<FILE>) -> Bool {
    ferror_unlocked(file) != 0
}

/// The calling thread's `errno`.
@inline(__always)
func system_errno() -> Int32 { errno }

/// An `errno` value.
struct Errno: Error, Hashable {
    var rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }
}
