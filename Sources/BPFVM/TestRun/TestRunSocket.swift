public import BPFABI
public import PacketBuffer

/// The socket a test run's packet belongs to. `bpf_prog_test_run_skb` gives every test packet a
/// dummy socket (`sk_alloc` + `sock_init_data(NULL, sk)`), its family and addresses taken from
/// the packet; programs reading `skb->sk` see it. Held as the `struct bpf_sock` programs read
/// (``SocketView``); one per test run, refilled for each packet.
///
/// What the kernel's dummy holds, measured with kernel_oracle.py: family AF_INET or AF_INET6 by
/// `skb->protocol` (AF_UNSPEC otherwise), the IP source and destination when the header fits,
/// state TCP_CLOSE, rx_queue_mapping -1 (none), every other field 0 (type and protocol too, so it
/// is a full socket but not a TCP one).
public final class TestRunSocket {
    /// The `struct bpf_sock` bytes.
    public let storage: UnsafeMutableRawPointer

    public init() {
        storage = .allocate(byteCount: SocketView.socketByteCount, alignment: 8)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: SocketView.socketByteCount)
    }

    deinit { storage.deallocate() }

    /// `struct bpf_sock` offsets (uapi/linux/bpf.h).
    enum Offset {
        static let family = 4, type = 8, `protocol` = 12, sourceIPv4 = 24, sourceIPv6 = 28
        static let destinationIPv4 = 52, destinationIPv6 = 56, state = 72, receiveQueueMapping = 76
    }

    static let tcpClose: UInt32 = 7
    static let tcpTimeWait: UInt32 = 6
    static let tcpNewSynReceived: UInt32 = 12
    static let tcpListen: UInt32 = 10

    /// Fills the socket for `skb` (after ``TestRunFrame/prepare(_:frame:type:context:socket:)``
    /// set its protocol and network header) and makes it `skb->sk`.
    func attach(to skb: SkBuff) {
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: SocketView.socketByteCount)
        storage.storeBytes(of: Self.tcpClose, toByteOffset: Offset.state, as: UInt32.self)
        storage.storeBytes(of: UInt32.max, toByteOffset: Offset.receiveQueueMapping, as: UInt32.self)
        // ip_hdr(skb): the network header, however much of the buffer there is to read.
        let network = skb.head + (skb.metadata.pointee.networkHeaderOffset == SkBuff.unsetOffset
            ? skb.metadata.pointee.dataOffset : skb.metadata.pointee.networkHeaderOffset)
        let available = skb.head + skb.metadata.pointee.tailOffset - network
        switch skb.etherType {
        case 0x0800:
            storage.storeBytes(of: UInt32(2), toByteOffset: Offset.family, as: UInt32.self)  // AF_INET
            if available >= 20 {
                (storage + Offset.sourceIPv4).copyMemory(from: network + 12, byteCount: 4)
                (storage + Offset.destinationIPv4).copyMemory(from: network + 16, byteCount: 4)
            }
        case 0x86DD:
            storage.storeBytes(of: UInt32(10), toByteOffset: Offset.family, as: UInt32.self)  // AF_INET6
            if available >= 40 {
                (storage + Offset.sourceIPv6).copyMemory(from: network + 8, byteCount: 16)
                (storage + Offset.destinationIPv6).copyMemory(from: network + 24, byteCount: 16)
            }
        default:
            break
        }
        skb.metadata.pointee.socket = storage
    }

    /// `bpf_sk_fullsock(sk)`: `sk` unless it is a time-wait or request socket.
    static func fullSocket(_ socket: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        let state = socket.load(fromByteOffset: Offset.state, as: UInt32.self)
        return state == tcpTimeWait || state == tcpNewSynReceived ? nil : socket
    }

    /// `bpf_get_listener_sock(sk)`: `sk` when it is a listening socket.
    static func listenerSocket(_ socket: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        socket.load(fromByteOffset: Offset.state, as: UInt32.self) == tcpListen ? socket : nil
    }

    /// True when `socket` is a full TCP stream socket, whose `struct bpf_tcp_sock` `bpf_tcp_sock`
    /// would return. skbpf's sockets never are (the test-run dummy has protocol 0).
    static func isTCP(_ socket: UnsafeMutableRawPointer) -> Bool {
        fullSocket(socket) != nil && socket.load(fromByteOffset: Offset.protocol, as: UInt32.self) == 6
            && socket.load(fromByteOffset: Offset.type, as: UInt32.self) == 1
    }
}
