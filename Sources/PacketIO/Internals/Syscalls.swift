// The C library calls PacketIO makes outside libpcap, each in one `system_*` shim (swift-system's
// pattern): the streams PacketIO opens itself and hands to libpcap (`pcap_fopen_offline(3)`,
// `pcap_dump_fopen(3)`), because the ones libpcap opens are slow for what a replay does.
//
// Measured on the 1M-packet, 906 MB capture (PcapIO benchmark and a C loop over pcap_next_ex,
// release, page cache warm, 2 shared cores):
//
//   reading through                                         ns/packet   where the time goes
//   pcap_open_offline (libpcap's fopen, st_blksize 4 KiB)   240-355     a read(2) every 4 KiB, 2 freads
//   fopen + 128 KiB buffer                                  118-177     read(2)'s copy from the page cache
//                                                                       (~100 ns: dd reads the file at
//                                                                       9-10 GB/s), then fread's copy
//   mmap + fmemopen                                         1400-12700  glibc's cookie streams fill their
//                                                                       buffer through default_xsgetn
//                                                                       (a byte at a time unbuffered)
//
// 128 KiB and not more: with the read buffer in L2 the two copies stay in the cache (replay of the
// 1M file without programs: 0.64 s with 1 MiB buffers, 0.42 s with 128 KiB; a C loop of pcap_next_ex
// + one copy + write: 0.20 s with 1 MiB, 0.16 s with 128 KiB).
//
// So the floor is the kernel's copy, which libpcap (reading through a FILE) cannot avoid.
//
// Readers and writers are ~Copyable and not Sendable, so one thread owns a stream at a time and
// stdio's lock is not needed (FSETLOCKING_BYCALLER).

internal import CPcap
internal import Glibc

/// A stdio stream with a buffer PacketIO owns (freed after the stream is closed, by
/// ``system_freeStreamBuffer(_:)``).
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
    system_freeStreamBuffer(stream)
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
