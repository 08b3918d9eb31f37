// What a program may read through a socket pointer: `struct bpf_sock` (uapi/linux/bpf.h) behind
// `skb->sk` and `bpf_sk_fullsock()`, `struct bpf_tcp_sock` behind `bpf_tcp_sock()`. The rules are
// net/core/filter.c's `bpf_sock_common_is_valid_access`, `bpf_sock_is_valid_access` and
// `bpf_tcp_sock_is_valid_access`; every socket pointer is read-only.
//
//   struct bpf_sock (80 bytes)
//     0 bound_dev_if   4 family   8 type   12 protocol   16 mark   20 priority
//    24 src_ip4       28 src_ip6[4]        44 src_port   48 dst_port (__be16) 50 pad
//    52 dst_ip4       56 dst_ip6[4]        72 state      76 rx_queue_mapping

/// The kind of socket a pointer reaches, and so which fields it may read.
public enum SocketView: Sendable, Hashable {
    /// `PTR_TO_SOCK_COMMON` (`skb->sk`): `struct bpf_sock` without `type`…`priority`, which only a
    /// full socket has.
    case common
    /// `PTR_TO_SOCKET` (`bpf_sk_fullsock()`, `bpf_get_listener_sock()`): all of `struct bpf_sock`.
    case full
    /// `PTR_TO_TCP_SOCK` (`bpf_tcp_sock()`): `struct bpf_tcp_sock`.
    case tcp

    /// Bytes of `struct bpf_sock`.
    public static let socketByteCount = 80
    /// Bytes of `struct bpf_tcp_sock` up to the end of `icsk_retransmits`, the last readable field.
    public static let tcpSocketByteCount = 112

    /// True when a read of `size` bytes at `offset` is allowed (no socket pointer may be written).
    public func allowsRead(offset: Int, size: Int) -> Bool {
        guard size > 0 else { return false }
        switch self {
        case .common:
            if (8..<24).contains(offset) { return false }  // type, protocol, mark, priority
            return Self.bpfSockAllowsRead(offset: offset, size: size)
        case .full:
            return Self.bpfSockAllowsRead(offset: offset, size: size)
        case .tcp:
            guard offset >= 0, offset < Self.tcpSocketByteCount, offset % size == 0 else { return false }
            // bytes_received and bytes_acked are the two u64 fields; every other is a u32.
            return offset == 80 || offset == 88 ? size == 8 : size == 4
        }
    }

    /// `bpf_sock_is_valid_access`.
    private static func bpfSockAllowsRead(offset: Int, size: Int) -> Bool {
        guard offset >= 0, offset < socketByteCount, offset % size == 0 else { return false }
        /// `bpf_ctx_narrow_access_ok`: a power of two no wider than the field.
        func narrow(_ fieldSize: Int) -> Bool { size <= fieldSize && size & (size - 1) == 0 }
        switch offset {
        case 72, 4, 8, 12, 44, 76:  // state, family, type, protocol, src_port, rx_queue_mapping
            return narrow(4)
        case 24..<28, 28..<44, 52..<56, 56..<72:  // src_ip4, src_ip6, dst_ip4, dst_ip6: any byte
            return narrow(4)
        case 48..<50:  // dst_port: the 2-byte field, or 4 bytes with the padding
            return narrow(size == 4 ? 4 : 2)
        case 50..<52:
            return false
        default:  // bound_dev_if, mark, priority: whole words only
            return size == 4
        }
    }
}
