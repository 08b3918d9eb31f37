public import BPFABI

/// What a register holds, as the verifier knows it (`enum bpf_reg_type`, the subset tc and
/// socket-filter programs meet).
public enum RegisterType: Hashable, Sendable {
    /// `NOT_INIT`: never written on this path; reading it is an error.
    case notInitialized
    /// `SCALAR_VALUE`: a number, bounded by ``RegisterState/bounds``.
    case scalar
    /// `PTR_TO_CTX`: the `struct __sk_buff` pointer.
    case context
    /// `PTR_TO_STACK` into the frame `frame` (0 = the main program's).
    case stack(frame: Int)
    /// `PTR_TO_PACKET`, `PTR_TO_PACKET_META`, `PTR_TO_PACKET_END`.
    case packet, packetMeta, packetEnd
    /// `CONST_PTR_TO_MAP`: map `index` of the program's map table.
    case mapPointer(index: Int)
    /// `PTR_TO_MAP_VALUE` of map `index`.
    case mapValue(index: Int)
    /// `PTR_TO_MEM | MEM_RINGBUF`: a ring buffer record of `size` bytes.
    case ringbufMemory(size: Int)
    /// `PTR_TO_SOCK_COMMON`, `PTR_TO_SOCKET`, `PTR_TO_TCP_SOCK`: a socket, read-only, with the
    /// fields ``SocketView`` allows (`skb->sk`, `bpf_sk_fullsock()`, `bpf_tcp_sock()`).
    case socket(SocketView)

    /// True for every pointer type.
    public var isPointer: Bool {
        switch self {
        case .notInitialized, .scalar: false
        default: true
        }
    }

    /// True for the packet pointers that may be dereferenced (not `pkt_end`).
    var isPacketData: Bool { self == .packet || self == .packetMeta }

    /// `reg_is_pkt_pointer_any`: packet, packet meta or packet end.
    var isPacketAny: Bool { isPacketData || self == .packetEnd }
}

/// One register's abstract value (`struct bpf_reg_state`).
///
/// For pointers, ``offset`` is the fixed part of the offset (`reg->off`) and ``bounds`` the
/// variable part (`var_off` with its ranges); for scalars ``bounds`` is the value itself.
public struct RegisterState: Hashable, Sendable {
    public var type: RegisterType
    /// `PTR_MAYBE_NULL`: a map value or ring buffer record not yet checked against NULL.
    public var maybeNull: Bool = false
    /// Fixed offset of a pointer; for a linked scalar (``addConstFlag``), the constant it is ahead of
    /// the register it is linked to (`reg->off`).
    public var offset: Int32 = 0
    /// Scalar value, or the variable offset of a pointer.
    public var bounds: ScalarBounds
    /// Groups registers that are copies of one value: a NULL check, a packet range proof or a
    /// scalar bound found for one applies to all (`reg->id`). 0: none.
    public var id: UInt32 = 0
    /// `BPF_ADD_CONST64`, in a scalar's ``id``: the register is a linked scalar plus the constant
    /// in ``offset`` (`r2 = r3; r2 += 1` keeps r2 linked to r3, one apart).
    public static let addConstFlag: UInt32 = 1 << 31
    /// `BPF_ADD_CONST32`: the same after a 32-bit add or subtract (`w2 += 1`): the linked value
    /// plus the constant, zero-extended from 32 bits.
    public static let addConst32Flag: UInt32 = 1 << 30
    /// Either flag.
    public static let addConstFlags: UInt32 = addConstFlag | addConst32Flag
    /// The id without the flags: registers with the same base id are linked.
    var baseID: UInt32 { id & ~Self.addConstFlags }
    /// The reference a ring buffer record holds (`ref_obj_id`); 0: none.
    public var referenceID: UInt32 = 0
    /// Packet pointers: bytes from the pointer (fixed offset included) proven inside the packet
    /// (`reg->range`).
    public var range: Int32 = 0

    public static let notInitialized = RegisterState(type: .notInitialized, bounds: .unknown)
    public static let unknownScalar = RegisterState(type: .scalar, bounds: .unknown)

    public static func scalar(_ bounds: ScalarBounds) -> RegisterState { RegisterState(type: .scalar, bounds: bounds) }
    public static func constant(_ value: UInt64) -> RegisterState { .scalar(.constant(value)) }

    /// A pointer of `type` at fixed offset 0 with no variable part.
    public static func pointer(_ type: RegisterType, maybeNull: Bool = false) -> RegisterState {
        RegisterState(type: type, maybeNull: maybeNull, bounds: .constant(0))
    }

    public var isScalar: Bool { type == .scalar }

    /// `reg_not_null`: pointers the kernel knows are never NULL once checked (map values and
    /// maps, ring buffer records, sockets); not the context, stack or packet pointers, whose
    /// comparisons with 0 it walks both ways.
    var isNeverNull: Bool {
        guard !maybeNull else { return false }
        switch type {
        case .mapValue, .mapPointer, .ringbufMemory, .socket: return true
        default: return false
        }
    }
    public var isPointer: Bool { type.isPointer }

    /// The variable offset is exactly zero.
    var hasConstantOffset: Bool { bounds.constantValue != nil }

    /// The name the kernel's messages use for this type (`reg_type_str`): `scalar`, `ctx`, `fp`,
    /// `pkt`, `pkt_meta`, `pkt_end`, `map_ptr`, `map_value`, `map_value_or_null`, `ringbuf_mem_or_null`…
    public var typeName: String {
        let base: String = switch type {
        case .notInitialized: "?"
        case .scalar: "scalar"
        case .context: "ctx"
        case .stack: "fp"
        case .packet: "pkt"
        case .packetMeta: "pkt_meta"
        case .packetEnd: "pkt_end"
        case .mapPointer: "map_ptr"
        case .mapValue: "map_value"
        case .ringbufMemory: "ringbuf_mem"
        case .socket(.common): "sock_common"
        case .socket(.full): "sock"
        case .socket(.tcp): "tcp_sock"
        }
        return maybeNull ? base + "_or_null" : base
    }
}
