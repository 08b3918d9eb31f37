// Every error PacketIO throws, with the file or device it concerns and, for packet I/O, the
// 0-based index of the packet. Messages are the static factories and `Reason` cases below, in one
// place so they can be grepped and tested. The wording follows the compiler's shape:
//
//   netns1-veth-cut.pcap: packet 468: truncated dump file; tried to read 1514 captured bytes, only got 1235
//   pcap-invalid-version-1.pcap: cannot open: archaic pcap savefile format
//   /full/disk.pcap: packet 12: write failed: No space left on device (errno 28)

internal import Glibc

/// A failure reading or writing packets: the path (or device), the packet it happened at, and
/// what went wrong (libpcap's own message where libpcap reported it).
///
/// Packets before ``packetIndex`` were delivered (reading) or handed to the file (writing).
public struct PacketIOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (or device) concerned, as the caller named it.
    public var path: String
    /// The 0-based index of the packet being read or written when it failed; nil for failures
    /// that concern the whole file (opening, flushing, closing).
    public var packetIndex: Int?
    /// What went wrong.
    public var reason: Reason

    public init(path: String, packetIndex: Int? = nil, _ reason: Reason) {
        self.path = path
        self.packetIndex = packetIndex
        self.reason = reason
    }

    /// What went wrong.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// libpcap (or the system) refused to open the file; the message is libpcap's
        /// (`"archaic pcap savefile format"`) or `strerror`'s.
        case cannotOpen(message: String)
        /// The capture is damaged or cut short at this packet; the message is libpcap's
        /// (`pcap_geterr(3)`). Every earlier packet was delivered.
        case damagedCapture(message: String)
        /// The caller's buffer is too small for the packet; the packet is kept, and the next read
        /// with a large enough buffer delivers it.
        case bufferTooSmall(capturedLength: Int, bufferByteCount: Int)
        /// A packet to write has a captured length larger than its original length.
        case capturedLongerThanOriginal(capturedLength: Int, originalLength: Int)
        /// The snapshot length asked for a new file is outside 1...262144 (libpcap's
        /// `MAXIMUM_SNAPLEN`: readers reject packets longer than that).
        case invalidSnapshotLength(Int)
        /// A system call or C library function failed with `errno`.
        case systemCall(function: String, errno: Int32)
        /// A write to the file failed (`ferror(3)` after `pcap_dump(3)`), with `errno` if known.
        case writeFailed(errno: Int32)
        /// A TUN device could not be opened or set up: the step that failed, and why.
        case tun(step: String, errno: Int32)

        public var description: String {
            switch self {
            case .cannotOpen(let message): "cannot open: \(message)"
            case .damagedCapture(let message): message
            case .bufferTooSmall(let captured, let available):
                "\(captured) captured bytes do not fit the \(available)-byte buffer"
            case .capturedLongerThanOriginal(let captured, let original):
                "captured length \(captured) is larger than the original length \(original)"
            case .invalidSnapshotLength(let n): "snapshot length \(n) is not in 1...262144"
            case .systemCall(let function, let code): "\(function): \(errorString(code))"
            case .writeFailed(let code): "write failed: \(code == 0 ? "I/O error" : errorString(code))"
            case .tun(let step, let code): "\(step): \(errorString(code))"
            }
        }
    }

    /// `path: packet N: reason`, or `path: reason` for whole-file failures.
    public var description: String {
        if let packetIndex { return "\(path): packet \(packetIndex): \(reason)" }
        return "\(path): \(reason)"
    }
}

/// `strerror(3)` with the number, as `perror` would print it plus `(errno N)`.
func errorString(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}
