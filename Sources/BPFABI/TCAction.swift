/// What a tc program's return value asks of the kernel (`TC_ACT_*`, include/uapi/linux/pkt_cls.h).
///
/// The kernel reads the low 32 bits of `r0` as a signed `int`. In direct-action mode
/// (`cls_bpf ... da`, and always for tcx) the code is the verdict itself.
public enum TCAction: Int32, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// `TC_ACT_UNSPEC` (-1): use the qdisc's default; for tcx `TCX_NEXT`, run the next program.
    case unspec = -1
    /// `TC_ACT_OK` (0): let the packet continue.
    case ok = 0
    /// `TC_ACT_RECLASSIFY` (1): restart classification from the first filter.
    case reclassify = 1
    /// `TC_ACT_SHOT` (2): drop the packet.
    case shot = 2
    /// `TC_ACT_PIPE` (3): continue with the next action.
    case pipe = 3
    /// `TC_ACT_STOLEN` (4): the packet was consumed; drop without counting it as a drop.
    case stolen = 4
    /// `TC_ACT_QUEUED` (5): the packet was queued elsewhere; treated like `stolen`.
    case queued = 5
    /// `TC_ACT_REPEAT` (6): run the same action again.
    case repeatAction = 6
    /// `TC_ACT_REDIRECT` (7): send the packet where `bpf_redirect()` said.
    case redirect = 7
    /// `TC_ACT_TRAP` (8): hand the packet to the CPU (for hardware offload); like `stolen` in software.
    case trap = 8

    /// The action named by a program's return value (`r0`), or nil for a code outside `-1...8`.
    public init?(returnValue: UInt64) {
        self.init(rawValue: Int32(truncatingIfNeeded: returnValue))
    }

    /// The kernel's name, `TC_ACT_SHOT`.
    public var kernelName: String {
        switch self {
        case .unspec: "TC_ACT_UNSPEC"
        case .ok: "TC_ACT_OK"
        case .reclassify: "TC_ACT_RECLASSIFY"
        case .shot: "TC_ACT_SHOT"
        case .pipe: "TC_ACT_PIPE"
        case .stolen: "TC_ACT_STOLEN"
        case .queued: "TC_ACT_QUEUED"
        case .repeatAction: "TC_ACT_REPEAT"
        case .redirect: "TC_ACT_REDIRECT"
        case .trap: "TC_ACT_TRAP"
        }
    }

    /// One line on what the kernel does with the packet.
    public var meaning: String {
        switch self {
        case .unspec: "use the default action (tcx: run the next program)"
        case .ok: "pass the packet on"
        case .reclassify: "classify the packet again"
        case .shot: "drop the packet"
        case .pipe: "continue with the next action"
        case .stolen: "packet consumed by the program"
        case .queued: "packet queued for later"
        case .repeatAction: "run the action again"
        case .redirect: "redirect the packet (bpf_redirect target)"
        case .trap: "trap the packet to the CPU"
        }
    }

    public var description: String { kernelName }
}

/// The return codes of tcx programs (`enum tcx_action_base`, include/uapi/linux/bpf.h).
///
/// They are the same numbers as ``TCAction`` where they overlap; tcx only distinguishes these four.
public enum TCXAction: Int32, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// `TCX_NEXT` (-1): run the next program in the chain, or pass if it was the last.
    case next = -1
    /// `TCX_PASS` (0): pass the packet and stop the chain.
    case pass = 0
    /// `TCX_DROP` (2): drop the packet.
    case drop = 2
    /// `TCX_REDIRECT` (7): redirect the packet as `bpf_redirect()` set up.
    case redirect = 7

    public var description: String {
        switch self {
        case .next: "TCX_NEXT"
        case .pass: "TCX_PASS"
        case .drop: "TCX_DROP"
        case .redirect: "TCX_REDIRECT"
        }
    }
}

/// How the kernel reads a socket filter's return value (`sk_filter_trim_cap()`, net/core/filter.c).
public enum SocketFilterVerdict: Sendable, Hashable, CustomStringConvertible {
    /// Return value 0: the packet is dropped.
    case drop
    /// Keep the first `byteCount` bytes (the packet is trimmed to that length when shorter).
    case keep(byteCount: Int)

    /// The verdict for a program that returned `returnValue` on a packet of `packetLength` bytes.
    ///
    /// The kernel takes the low 32 bits as unsigned and never grows the packet:
    /// keep = min(UInt32(r0), length).
    public init(returnValue: UInt64, packetLength: Int) {
        let requested = Int(UInt32(truncatingIfNeeded: returnValue))
        self = requested == 0 ? .drop : .keep(byteCount: min(requested, max(packetLength, 0)))
    }

    public var description: String {
        switch self {
        case .drop: "drop"
        case .keep(let n): "keep \(n) bytes"
        }
    }
}
