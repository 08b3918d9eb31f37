/// The transport protocol of a local socket.
public enum TransportProtocol: UInt8, Sendable, Hashable, CustomStringConvertible {
    case tcp = 6
    case udp = 17

    public var name: String { self == .tcp ? "tcp" : "udp" }
    public var description: String { name }

    public init?(name: String) {
        switch name.lowercased() {
        case "tcp": self = .tcp
        case "udp": self = .udp
        default: return nil
        }
    }
}

/// How fast the application behind a socket reads its receive queue.
public enum SocketReader: String, Sendable, Hashable, CaseIterable {
    /// Reads every packet as it arrives: the queue is always empty, and an empty queue takes any
    /// packet, even one larger than the buffer (as the kernel's always does), so nothing overflows.
    case immediate
    /// Never reads: the queue fills up to `rcvbuf`, then every packet is an overflow drop.
    case stalled
}

/// A bound local socket (`socket(); setsockopt(SO_RCVBUF); bind()`).
public struct SocketConfiguration: Sendable, Hashable {
    public var transport: TransportProtocol
    public var port: UInt16
    /// Bound address; nil binds to every local address (`INADDR_ANY`).
    public var address: IPAddress?
    /// Receive buffer size in bytes, as the kernel counts it: queued packets' true size
    /// (`sk_rmem_alloc` against `sk_rcvbuf`). Linux's default is 212,992.
    public var receiveBufferSize: Int
    public var reader: SocketReader
    /// Answer each datagram with its payload (UDP only): proves local delivery and the output path.
    public var isEcho: Bool
    /// `SO_MARK` and `SO_PRIORITY` of packets the socket sends.
    public var mark: UInt32
    public var priority: UInt32

    public static let defaultReceiveBufferSize = 212_992

    public init(transport: TransportProtocol, port: UInt16, address: IPAddress? = nil,
                receiveBufferSize: Int = SocketConfiguration.defaultReceiveBufferSize, reader: SocketReader = .immediate,
                isEcho: Bool = false, mark: UInt32 = 0, priority: UInt32 = 0) {
        self.transport = transport
        self.port = port
        self.address = address
        self.receiveBufferSize = receiveBufferSize
        self.reader = reader
        self.isEcho = isEcho
        self.mark = mark
        self.priority = priority
    }

    /// `udp/53` or `udp/10.0.0.1:53`: how the summary and the pipeline file name the socket.
    public var name: String {
        address.map { "\(transport)/\($0.version == 6 ? "[\($0)]" : "\($0)"):\(port)" } ?? "\(transport)/\(port)"
    }
}
