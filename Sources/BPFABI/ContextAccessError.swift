public import BPFISA

/// A context access the kernel refuses.
///
/// ``description`` is the kernel verifier's own line (`check_ctx_access()`, kernel/bpf/verifier.c):
/// `invalid bpf_context access off=76 size=2`; ``explanation`` says which rule refused it.
public struct ContextAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which of the kernel's rules refused the access.
    public enum Reason: Sendable, Hashable {
        /// The offset is outside the context struct (`0..<192`, `xdp_md`: `0..<24`).
        case outOfBounds
        /// `off % size != 0`.
        case misaligned
        /// The program type cannot touch this field at all.
        case notAccessible(SkBuffContext.Field)
        /// The program type may read but not write this field.
        case notWritable(SkBuffContext.Field)
        /// The field allows other access sizes (listed in `allowed`).
        case sizeNotAllowed(SkBuffContext.Field, allowed: String)
        /// The access runs past the end of the field (`cb`).
        case crossesFieldEnd(SkBuffContext.Field)
        /// `xdp_md` cannot be written (by a program that is not offloaded to a NIC).
        case contextReadOnly
        /// `xdp_md` fields are read whole: 4 bytes.
        case wholeFieldsOnly
        /// `xdp_md.egress_ifindex` exists only for programs attached to a devmap.
        case devmapOnly
        /// The program type's context is not `struct __sk_buff` (asked of ``contextAccess(programType:offset:size:kind:)``).
        case notSkBuffContext
    }

    /// The program type whose rules refused the access.
    public var programType: ProgramType
    /// Offset of the access in the context struct (may be negative).
    public var offset: Int
    /// Width of the access.
    public var size: AccessSize
    /// Read or write.
    public var kind: ContextAccessKind
    /// The rule that refused it.
    public var reason: Reason

    /// A refusal of `size` bytes at `offset` for `reason`.
    public init(programType: ProgramType, offset: Int, size: AccessSize, kind: ContextAccessKind, reason: Reason) {
        self.programType = programType
        self.offset = offset
        self.size = size
        self.kind = kind
        self.reason = reason
    }

    /// The kernel's message: `invalid bpf_context access off=<off> size=<size>`.
    public var description: String { "invalid bpf_context access off=\(offset) size=\(size.byteCount)" }

    /// Why, in words the kernel does not print: `sched_cls programs cannot write pkt_type`.
    public var explanation: String {
        let type = programType.kernelName
        switch reason {
        case .outOfBounds:
            if !programType.hasSkBuffContext { return "offset \(offset) is outside struct xdp_md (0..<\(XDPContext.byteCount))" }
            return "offset \(offset) is outside struct __sk_buff (0..<\(SkBuffContext.byteCount))"
        case .misaligned:
            return "offset \(offset) is not a multiple of the access size \(size.byteCount)"
        case .notAccessible(let field):
            return "\(type) programs cannot access \(field.name)"
        case .notWritable(let field):
            return "\(type) programs cannot write \(field.name)"
        case .sizeNotAllowed(let field, let allowed):
            let verb = kind.isWrite ? "written" : "read"
            return "\(field.name) can be \(verb) only with \(allowed)-byte accesses"
                + (field == .sk || field == .tstampType ? " at offset \(field.offset)" : "")
        case .crossesFieldEnd(let field):
            return "\(size.byteCount) bytes at \(offset) run past the end of \(field.name) (\(field.range.upperBound))"
        case .contextReadOnly:
            return "\(type) programs cannot write struct xdp_md"
        case .wholeFieldsOnly:
            return "struct xdp_md fields can be read only with 4-byte accesses"
        case .devmapOnly:
            return "egress_ifindex can be read only by programs attached to a devmap (BPF_XDP_DEVMAP)"
        case .notSkBuffContext:
            return "\(type) programs have no struct __sk_buff"
        }
    }
}
