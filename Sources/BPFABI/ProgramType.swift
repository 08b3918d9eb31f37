/// A kernel program type (`enum bpf_prog_type`, include/uapi/linux/bpf.h).
///
/// The program type decides what the context register points at, which context fields
/// may be read or written, which helpers exist and what the return value means.
/// skbpf runs the `struct __sk_buff` families; `xdp` is verified (its `struct xdp_md` context,
/// helpers and packet rules), not run. Other types get cases when they are supported.
public enum ProgramType: UInt32, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// `BPF_PROG_TYPE_SOCKET_FILTER`: returns the number of bytes to keep, 0 drops.
    case socketFilter = 1
    /// `BPF_PROG_TYPE_SCHED_CLS`: a tc classifier (`cls_bpf`, tcx); returns a `TC_ACT_*` code.
    case schedCls = 3
    /// `BPF_PROG_TYPE_SCHED_ACT`: a tc action (`act_bpf`); same context and helpers as `schedCls`.
    case schedAct = 4
    /// `BPF_PROG_TYPE_XDP`: r1 is `struct xdp_md` (``XDPContext``); returns an `XDP_*` action.
    /// The type the bpf_conformance suite's Linux plugin loads its vectors as.
    case xdp = 6

    /// The kernel's spelling, as `bpftool` prints it: `socket_filter`, `sched_cls`, `sched_act`.
    public var kernelName: String {
        switch self {
        case .socketFilter: "socket_filter"
        case .schedCls: "sched_cls"
        case .schedAct: "sched_act"
        case .xdp: "xdp"
        }
    }

    public var description: String { kernelName }

    /// True for the two tc program types, which share `tc_cls_act_verifier_ops`.
    public var isTrafficControl: Bool { self == .schedCls || self == .schedAct }

    /// True when r1 points at a `struct __sk_buff` (``SkBuffContext``); false for `xdp`.
    public var hasSkBuffContext: Bool { self != .xdp }

    /// Whether the program may store into packet data (`may_access_direct_pkt_data()` with
    /// `BPF_WRITE`, kernel/bpf/verifier.c): tc and xdp programs may, socket filters may not.
    public var mayWritePacket: Bool { isTrafficControl || self == .xdp }

    /// Whether `BPF_LD_ABS`/`BPF_LD_IND` are allowed (`may_access_skb()`): the `__sk_buff` types only.
    public var mayUseLegacyPacketLoads: Bool { hasSkBuffContext }

    /// Parses a kernel name (`sched_cls`) or a common alias (`tc`, `classifier`, `action`, `socket`).
    public init?(name: String) {
        switch name {
        case "socket_filter", "socket": self = .socketFilter
        case "sched_cls", "tc", "classifier": self = .schedCls
        case "sched_act", "action": self = .schedAct
        case "xdp": self = .xdp
        default: return nil
        }
    }
}

// MARK: - ELF section names

extension ProgramType {
    /// The program type libbpf (1.x) derives from an ELF section name, or nil if the section is
    /// not one of the types skbpf runs.
    ///
    /// Mirrors libbpf's `section_defs` and `sec_def_matches()` (tools/lib/bpf/libbpf.c): the
    /// entries `socket`, `tc`, `classifier` and `action` match only exactly; `tc/ingress`,
    /// `tc/egress`, `tcx/ingress`, `tcx/egress` (attach type `BPF_TCX_*`) and `netkit/primary`,
    /// `netkit/peer` are `sched_cls`. libbpf before 1.0 also accepted any name that merely starts
    /// with `socket`, `classifier` or `action` (`SEC_SLOPPY_PFX`); pass
    /// `legacyPrefixMatching: true` for objects built against such headers (`socket1`, `classifier/x`).
    public static func forSection(_ name: String, legacyPrefixMatching: Bool = false) -> ProgramType? {
        switch name {
        case "socket": return .socketFilter
        case "tc", "classifier", "tc/ingress", "tc/egress", "tcx/ingress", "tcx/egress",
             "netkit/primary", "netkit/peer":
            return .schedCls
        case "action": return .schedAct
        default: break
        }
        guard legacyPrefixMatching else { return nil }
        if name.hasPrefix("socket") { return .socketFilter }
        if name.hasPrefix("classifier") { return .schedCls }
        if name.hasPrefix("action") { return .schedAct }
        return nil
    }
}
