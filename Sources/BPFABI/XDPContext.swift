public import BPFISA

// `struct xdp_md` (include/uapi/linux/bpf.h): the 24 bytes an XDP program sees through r1. Like
// `__sk_buff` it is a view the kernel rewrites into loads of `struct xdp_buff`
// (`xdp_convert_ctx_access()`, net/core/filter.c); a program may only read whole fields.
//
//    0 data      4 data_end      8 data_meta      12 ingress_ifindex      16 rx_queue_index
//   20 egress_ifindex (BPF_XDP_DEVMAP programs only)                       24 end
//
// Measured on 6.18 (kernel_oracle.py, type xdp, expected_attach_type 0): of every offset -4..<28 x
// size 1/2/4/8 x {LDX, STX, ST}, exactly the 4-byte reads at 0, 4, 8, 12 and 16 are accepted;
// every refusal is `invalid bpf_context access off=<off> size=<size>`.

/// The layout of `struct xdp_md`, the context of XDP programs.
public enum XDPContext {
    /// `sizeof(struct xdp_md)`.
    public static let byteCount = 24

    /// The fields of `struct xdp_md`, each a `__u32`.
    public enum Field: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
        /// `data`: the first byte of packet data (`PTR_TO_PACKET`).
        case data = 0
        /// `data_end`: one past the last byte (`PTR_TO_PACKET_END`).
        case dataEnd = 4
        /// `data_meta`: the start of the metadata in front of `data` (`PTR_TO_PACKET_META`).
        case dataMeta = 8
        /// `rxq->dev->ifindex`.
        case ingressIfindex = 12
        /// `rxq->queue_index`.
        case rxQueueIndex = 16
        /// `txq->dev->ifindex`: readable only by `BPF_XDP_DEVMAP` programs.
        case egressIfindex = 20

        /// The field's offset in `struct xdp_md`.
        public var offset: Int { rawValue }

        /// The uapi name, `ingress_ifindex`.
        public var name: String {
            switch self {
            case .data: "data"
            case .dataEnd: "data_end"
            case .dataMeta: "data_meta"
            case .ingressIfindex: "ingress_ifindex"
            case .rxQueueIndex: "rx_queue_index"
            case .egressIfindex: "egress_ifindex"
            }
        }

        public var description: String { name }
    }
}

/// Decides whether an XDP program may access `size` bytes of its `struct xdp_md` at `offset`, and
/// what a read yields: a packet pointer for `data`, `data_end`, `data_meta`, else the `__u32` value.
///
/// Mirrors `xdp_is_valid_access()` over `__is_valid_xdp_access()` (net/core/filter.c) for a
/// program that is neither offloaded nor attached to a devmap: no writes, `egress_ifindex`
/// refused, otherwise aligned 4-byte reads inside the struct. A refusal carries the kernel's
/// message (``ContextAccessError/description``).
/// - Complexity: O(1).
public func xdpContextAccess(offset: Int, size: AccessSize, kind: ContextAccessKind)
    -> Result<ContextRead, ContextAccessError>
{
    func refuse(_ reason: ContextAccessError.Reason) -> Result<ContextRead, ContextAccessError> {
        .failure(ContextAccessError(programType: .xdp, offset: offset, size: size, kind: kind, reason: reason))
    }
    if offset == XDPContext.Field.egressIfindex.offset { return refuse(.devmapOnly) }
    if kind.isWrite { return refuse(.contextReadOnly) }
    if offset < 0 || offset >= XDPContext.byteCount { return refuse(.outOfBounds) }
    if offset % size.byteCount != 0 { return refuse(.misaligned) }
    if size.byteCount != 4 { return refuse(.wholeFieldsOnly) }
    switch XDPContext.Field(rawValue: offset) {
    case .data: return .success(.pointer(.packet))
    case .dataEnd: return .success(.pointer(.packetEnd))
    case .dataMeta: return .success(.pointer(.packetMeta))
    default: return .success(.value)
    }
}
