public import BPFISA

// Which loads and stores through the context register (r1 at entry) the kernel accepts, and what
// each one means. One pure function of (program type, offset, size, read/write) that reproduces
// `tc_cls_act_is_valid_access()` / `sk_filter_is_valid_access()` on top of
// `bpf_skb_is_valid_access()` (net/core/filter.c), checked against the 6.18 kernel for every offset
// 0..<192 x size 1/2/4/8 x {LDX, STX, ST} x {sched_cls, socket_filter}
// (/work/shared/reference/sk_buff_ctx.md). The verifier asks it once per access and the
// translator turns the answer into a dedicated op, so nothing here runs per packet.

/// Whether a context access loads or stores.
public enum ContextAccessKind: Sendable, Hashable {
    /// `BPF_LDX`: `rD = *(size *)(r1 + off)`.
    case read
    /// `BPF_STX` (`storeImmediate == false`) or `BPF_ST`. The 6.18 verifier accepts both in
    /// exactly the same places.
    case write(storeImmediate: Bool)

    /// True for `BPF_STX` and `BPF_ST`.
    public var isWrite: Bool {
        if case .write = self { true } else { false }
    }
}

/// The pointer a context load produces instead of a number.
public enum ContextPointer: Sendable, Hashable, CustomStringConvertible {
    /// `data`: `PTR_TO_PACKET`, the first byte of packet data.
    case packet
    /// `data_end`: `PTR_TO_PACKET_END`, one past the last byte of linear data.
    case packetEnd
    /// `data_meta`: `PTR_TO_PACKET_META`, the start of the metadata in front of `data`.
    case packetMeta
    /// `sk`: `PTR_TO_SOCK_COMMON_OR_NULL`, the packet's socket or NULL.
    case sockCommonOrNull

    /// The verifier's register type name, as its log prints it.
    public var description: String {
        switch self {
        case .packet: "pkt"
        case .packetEnd: "pkt_end"
        case .packetMeta: "pkt_meta"
        case .sockCommonOrNull: "sock_common_or_null"
        }
    }
}

/// How an accepted context read produces the destination register.
public enum ContextRead: Sendable, Hashable {
    /// The field's kernel value, zero-extended to 64 bits.
    ///
    /// Also what a narrow read gets when it is at least as wide as the kernel value
    /// (``SkBuffContext/Field/valueByteCount``): the kernel then skips the shift and mask, so a
    /// 2-byte read of `protocol` at offset 18 returns `protocol`, not 0 (measured on 6.18).
    case value
    /// A narrow read the kernel converts to a full load, a right shift and a mask:
    /// `(value >> shift) & mask`. On little-endian `shift = (off & 3) * 8`, so byte 1 of `mark`
    /// is `(mark >> 8) & 0xff`.
    case narrow(shift: Int, mask: UInt64)
    /// Raw bytes of the field's storage (`cb` only): `size` bytes at ``ContextAccess/offsetInField``,
    /// little-endian, zero-extended.
    case bytes
    /// The load produces a pointer, not memory contents.
    case pointer(ContextPointer)

    /// Applies the read to the field's kernel value (meaningless for `.bytes` and `.pointer`).
    @inlinable
    public func extract(from value: UInt64) -> UInt64 {
        switch self {
        case .narrow(let shift, let mask): (value >> UInt64(shift)) & mask
        default: value
        }
    }
}

/// How an accepted context write changes the packet's metadata.
public enum ContextWrite: Sendable, Hashable {
    /// The field becomes the low `byteCount` bytes of the stored value (`tc_index`, `tc_classid`
    /// are 16-bit in the kernel and truncate; `mark`, `priority` 32; `tstamp` 64).
    case value(byteCount: Int)
    /// `queue_mapping`: a 16-bit store, skipped entirely when the 64-bit source value is
    /// `>= 0xffff` (`NO_QUEUE_MAPPING`).
    case queueMapping
    /// Raw bytes of the field's storage (`cb` only): `size` bytes at ``ContextAccess/offsetInField``.
    case bytes
}

/// An accepted access to `struct __sk_buff`: which field it touches and what it does.
public struct ContextAccess: Sendable, Hashable, CustomStringConvertible {
    /// The field the access falls in (`cb` for every `cb[i]`).
    public var field: SkBuffContext.Field
    /// Offset of the access in `struct __sk_buff`.
    public var offset: Int
    /// Width of the access.
    public var size: AccessSize
    /// Read or write.
    public var kind: ContextAccessKind
    /// For reads: how the register value is produced; nil for writes.
    public var read: ContextRead?
    /// For writes: what the store changes; nil for reads.
    public var write: ContextWrite?

    /// An access as ``contextAccess(programType:offset:size:kind:)`` describes it; `read` is set for
    /// reads, `write` for writes.
    public init(field: SkBuffContext.Field, offset: Int, size: AccessSize, kind: ContextAccessKind,
                read: ContextRead?, write: ContextWrite?) {
        self.field = field
        self.offset = offset
        self.size = size
        self.kind = kind
        self.read = read
        self.write = write
    }

    /// Byte offset of the access inside its field (0–19 for `cb`).
    public var offsetInField: Int { offset - field.offset }

    /// The pointer type the load yields, if it yields one.
    public var pointer: ContextPointer? {
        if case .pointer(let p)? = read { p } else { nil }
    }

    /// True when the kernel shifts and masks the loaded value.
    public var isNarrowRead: Bool {
        if case .narrow? = read { true } else { false }
    }

    public var description: String {
        let verb = kind.isWrite ? "write" : "read"
        return "\(verb) of \(size.byteCount) bytes at \(offset) (\(field.name)+\(offsetInField))"
    }
}

/// Decides whether a program of `programType` may access `size` bytes of its `struct __sk_buff`
/// context at `offset`, and what the access means.
///
/// Mirrors the kernel's `check_ctx_access()` with `tc_cls_act_is_valid_access()` (sched_cls,
/// sched_act) or `sk_filter_is_valid_access()` (socket_filter) over `bpf_skb_is_valid_access()`;
/// a refusal carries the kernel's message, `invalid bpf_context access off=76 size=2`.
/// `offset` is the constant offset of the access (the instruction's `off`; the verifier refuses a
/// modified context pointer before it gets here).
/// - Complexity: O(1).
public func contextAccess(
    programType: ProgramType, offset: Int, size: AccessSize, kind: ContextAccessKind
) -> Result<ContextAccess, ContextAccessError> {
    func refuse(_ reason: ContextAccessError.Reason) -> Result<ContextAccess, ContextAccessError> {
        .failure(ContextAccessError(programType: programType, offset: offset, size: size, kind: kind,
                                    reason: reason))
    }
    let byteCount = size.byteCount
    guard let field = SkBuffContext.Field(containing: offset) else { return refuse(.outOfBounds) }

    // The program type's own rules run first, as the kernel's per-type callbacks do.
    var pointer: ContextPointer? = nil
    switch programType {
    case .schedCls, .schedAct:
        if kind.isWrite && !tcWritableFields.contains(field) { return refuse(.notWritable(field)) }
        switch field {
        case .data: pointer = .packet
        case .dataMeta: pointer = .packetMeta
        case .dataEnd: pointer = .packetEnd
        case .family, .remoteIP4, .localIP4, .remoteIP6, .localIP6, .remotePort, .localPort:
            return refuse(.notAccessible(field))
        case .tstampType:
            // Only a 1-byte read is allowed, and tc is the only program type that may make it.
            if byteCount != 1 { return refuse(.sizeNotAllowed(field, allowed: "1")) }
            return .success(ContextAccess(field: field, offset: offset, size: size, kind: kind,
                                          read: .value, write: nil))
        default: break
        }
    case .socketFilter:
        if socketFilterHiddenFields.contains(field) { return refuse(.notAccessible(field)) }
        if kind.isWrite && field != .cb { return refuse(.notWritable(field)) }
    case .xdp:
        // Its context is struct xdp_md: xdpContextAccess(offset:size:kind:).
        return refuse(.notSkBuffContext)
    }

    // bpf_skb_is_valid_access(): the rules every __sk_buff program type shares.
    if offset % byteCount != 0 { return refuse(.misaligned) }
    // Paths that reach `accept` with a write have refused every read-only field already.
    func accept(_ read: ContextRead, _ write: ContextWrite? = nil) -> Result<ContextAccess, ContextAccessError> {
        .success(ContextAccess(field: field, offset: offset, size: size, kind: kind,
                               read: kind.isWrite ? nil : read, write: kind.isWrite ? write : nil))
    }
    switch field {
    case .cb:
        // Any width that stays inside cb[0..4]: so 8 bytes only at cb[0] and cb[2].
        if offset + byteCount > SkBuffContext.Field.cb.range.upperBound { return refuse(.crossesFieldEnd(field)) }
        return accept(.bytes, .bytes)
    case .data, .dataMeta, .dataEnd, .remoteIP4, .localIP4, .remoteIP6, .localIP6:
        if byteCount != 4 { return refuse(.sizeNotAllowed(field, allowed: "4")) }
        return accept(pointer.map(ContextRead.pointer) ?? .value)
    case .flowKeys, .tstampType, .padding:
        return refuse(.notAccessible(field))
    case .hwtstamp:
        if kind.isWrite { return refuse(.notWritable(field)) }
        if byteCount != 8 { return refuse(.sizeNotAllowed(field, allowed: "8")) }
        return accept(.value)
    case .tstamp:
        if byteCount != 8 { return refuse(.sizeNotAllowed(field, allowed: "8")) }
        return accept(.value, .value(byteCount: 8))
    case .sk:
        if kind.isWrite { return refuse(.notWritable(field)) }
        // The kernel names only offset 168; the measured 6.18 kernel refuses the upper half too.
        if offset != field.offset || byteCount != 8 { return refuse(.sizeNotAllowed(field, allowed: "8")) }
        return accept(.pointer(.sockCommonOrNull))
    default:
        if kind.isWrite {
            if byteCount != 4 { return refuse(.sizeNotAllowed(field, allowed: "4")) }
            return accept(.value, field == .queueMapping ? .queueMapping : .value(byteCount: field.valueByteCount))
        }
        // bpf_ctx_narrow_access_ok(): 1, 2 or 4 bytes anywhere aligned inside the 4-byte field.
        if byteCount > 4 { return refuse(.sizeNotAllowed(field, allowed: "1, 2 or 4")) }
        // The verifier shifts and masks only when the read is narrower than both the uapi field
        // and the kernel value (`size < target_size` in convert_ctx_accesses()).
        guard byteCount < 4, byteCount < field.valueByteCount else { return accept(.value) }
        let mask: UInt64 = (1 << UInt64(byteCount * 8)) - 1
        return accept(.narrow(shift: (offset & 3) * 8, mask: mask))
    }
}

/// `tc_cls_act_is_valid_access()`: the only fields a tc program may store to.
private let tcWritableFields: Set<SkBuffContext.Field> = [
    .mark, .tcIndex, .priority, .tcClassid, .cb, .tstamp, .queueMapping,
]

/// `sk_filter_is_valid_access()`: fields a socket filter may neither read nor write.
private let socketFilterHiddenFields: Set<SkBuffContext.Field> = [
    .tcClassid, .data, .dataMeta, .dataEnd, .family, .remoteIP4, .localIP4, .remoteIP6, .localIP6,
    .remotePort, .localPort, .tstamp, .wireLen, .hwtstamp,
]
