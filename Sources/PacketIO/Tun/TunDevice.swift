// A TUN device skbpf reads packets from and writes packets to: L3 frames (IFF_TUN | IFF_NO_PI),
// one non-blocking descriptor per queue, optionally with a virtio_net_hdr in front of every
// packet (IFF_VNET_HDR) so GSO super-packets pass through whole.
//
//   TunDevice(settings)   open /dev/net/tun inside the namespace (CLinuxShims), TUNSETIFF,
//                         then always TUNSETOFFLOAD (offloads persist on the device: a plain
//                         reader left with an earlier user's TSO gets packets it cannot describe)
//   read(queue:into:)     one packet into the buffer, or .wouldBlock / .gone / .failed
//   write(queue:…)        one packet; a full device queue is .wouldBlock (the packet is counted lost)
//
// A device deleted under the engine reports POLLERR and EBADFD forever, never end of file:
// that is `.gone`, and the caller stops using the device.

internal import CLinuxShims
internal import Glibc

/// How to reach a TUN device.
public struct TunSettings: Sendable, Hashable {
    public var name: String
    /// The network namespace the device is in: a name under /var/run/netns, or a path; nil for skbpf's own.
    public var namespace: String?
    /// Create the device when it does not exist (non-persistent: it goes when skbpf closes it).
    public var create: Bool
    /// Descriptors (queues) to open; more than one needs a device created with `multi_queue`.
    public var queueCount: Int
    /// IFF_VNET_HDR + TUNSETOFFLOAD(CSUM|TSO4|TSO6): GSO super-packets pass through whole.
    public var offload: Bool
    /// MTU set on a device skbpf creates.
    public var mtu: Int?

    public init(name: String, namespace: String? = nil, create: Bool = false, queueCount: Int = 1, offload: Bool = false,
                mtu: Int? = nil) {
        self.name = name
        self.namespace = namespace
        self.create = create
        self.queueCount = queueCount
        self.offload = offload
        self.mtu = mtu
    }

    /// `NAME[@NETNS]`, as `--tun` takes it.
    public init?(commandLine text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, !name.isEmpty, name.utf8.count < 16 else { return nil }
        if parts.count == 2 && parts[1].isEmpty { return nil }
        self.init(name: name, namespace: parts.count == 2 ? parts[1] : nil)
    }

    /// `name@namespace` or `name`.
    public var label: String { namespace.map { "\(name)@\($0)" } ?? name }

    var namespacePath: String? {
        guard let namespace else { return nil }
        return namespace.contains("/") ? namespace : "/var/run/netns/\(namespace)"
    }
}

public final class TunDevice {
    public let settings: TunSettings
    /// One descriptor per queue.
    public let descriptors: [Int32]
    /// The device's index in its namespace.
    public let ifindex: Int
    /// skbpf created the device (it did not exist).
    public let wasCreated: Bool

    /// Size of the virtio_net_hdr before each packet with ``TunSettings/offload``.
    public static let virtioHeaderByteCount = 10
    static let offloadFlags = UInt32(SKBPF_TUN_F_CSUM | SKBPF_TUN_F_TSO4 | SKBPF_TUN_F_TSO6 | SKBPF_TUN_F_TSO_ECN)

    public init(_ settings: TunSettings) throws(PacketIOError) {
        guard settings.queueCount >= 1 && settings.queueCount <= 64 else {
            throw PacketIOError(path: settings.label, .tun(step: "check queues (1…64)", errno: EINVAL))
        }
        var flags = Int32(SKBPF_IFF_TUN | SKBPF_IFF_NO_PI)
        if settings.offload { flags |= Int32(SKBPF_IFF_VNET_HDR) }
        if settings.queueCount > 1 { flags |= Int32(SKBPF_IFF_MULTI_QUEUE) }
        var descriptors: [Int32] = []
        var ifindex = 0
        var created = false
        func closeAll() { for fd in descriptors { Glibc.close(fd) } }
        for queue in 0..<settings.queueCount {
            // Later queues attach to the device the first one found or created.
            let result = settings.namespacePath.withOptionalCString { path in
                skbpf_tun_open(settings.name, path, flags, settings.create && queue == 0 ? 1 : 0, Int32(settings.mtu ?? 0))
            }
            guard result.fd >= 0 else {
                closeAll()
                let step = result.step.map { String(cString: $0) } ?? "attach"
                throw PacketIOError(path: settings.label, .tun(step: step, errno: result.error))
            }
            descriptors.append(result.fd)
            if queue == 0 {
                ifindex = Int(result.ifindex)
                created = result.created != 0
            }
            let offload = settings.offload ? Self.offloadFlags : 0
            let status = skbpf_tun_set_offload(result.fd, offload)
            if status < 0 {
                closeAll()
                throw PacketIOError(path: settings.label, .tun(step: "TUNSETOFFLOAD", errno: -status))
            }
            if settings.offload {
                let size = skbpf_tun_set_vnet_header_size(result.fd, Int32(Self.virtioHeaderByteCount))
                if size < 0 {
                    closeAll()
                    throw PacketIOError(path: settings.label, .tun(step: "TUNSETVNETHDRSZ", errno: -size))
                }
            }
        }
        self.settings = settings
        self.descriptors = descriptors
        self.ifindex = ifindex
        wasCreated = created
    }

    deinit { close() }

    private var isClosed = false

    /// Closes every queue (a device skbpf created goes away).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for fd in descriptors { Glibc.close(fd) }
    }

    public var name: String { settings.name }
    public var hasVirtioHeader: Bool { settings.offload }

    /// What a read or write did.
    public enum Transfer: Equatable, Sendable {
        /// Bytes moved (for a read: the packet's length, with the virtio header when there is one).
        case done(Int)
        /// Nothing to read, or the device queue is full.
        case wouldBlock
        /// The device is gone (deleted, or its namespace was): EBADFD, EIO after removal.
        case gone(errno: Int32)
        /// Another error, with its errno.
        case failed(errno: Int32)
    }

    @inline(__always)
    public func read(queue: Int, into buffer: UnsafeMutableRawPointer, capacity: Int) -> Transfer {
        while true {
            let n = Glibc.read(descriptors[queue], buffer, capacity)
            if n >= 0 { return .done(n) }
            let code = errno
            if code == EINTR { continue }
            return Self.classify(code)
        }
    }

    /// Writes `count` bytes at `bytes`, after `header` when the device carries virtio headers.
    @inline(__always)
    public func write(queue: Int, header: UnsafeRawPointer?, _ bytes: UnsafeRawPointer, count: Int) -> Transfer {
        while true {
            let n: Int
            if let header {
                var parts = (iovec(iov_base: UnsafeMutableRawPointer(mutating: header), iov_len: Self.virtioHeaderByteCount),
                             iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes), iov_len: count))
                n = withUnsafePointer(to: &parts) { $0.withMemoryRebound(to: iovec.self, capacity: 2) { writev(descriptors[queue], $0, 2) } }
            } else {
                n = Glibc.write(descriptors[queue], bytes, count)
            }
            if n >= 0 { return .done(n) }
            let code = errno
            if code == EINTR { continue }
            return Self.classify(code)
        }
    }

    static func classify(_ code: Int32) -> Transfer {
        switch code {
        case EAGAIN, ENOBUFS: .wouldBlock
        case EBADFD, ENODEV, ENXIO, EPIPE, EBADF: .gone(errno: code)
        default: .failed(errno: code)
        }
    }
}

extension Optional where Wrapped == String {
    func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) -> R) -> R {
        switch self {
        case .some(let text): text.withCString { body($0) }
        case .none: body(nil)
        }
    }
}
