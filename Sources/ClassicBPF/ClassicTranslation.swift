public import BPFISA

/// A classic program translated to eBPF: a socket filter whose return value is the number of
/// bytes to keep (0 drops the packet), as `bpf_convert_filter()` makes it.
public struct ClassicTranslation: Sendable {
    /// The classic program, as checked.
    public let classic: ClassicProgram
    /// The eBPF program. Run it as a `socket_filter` (r1 = the `__sk_buff` context).
    public let program: Program
    /// For each classic instruction, the index of the first eBPF instruction made from it.
    public let firstInstruction: [Int]
    /// Whether the program calls the kernel-internal extension functions (payload offset,
    /// netlink attributes, device type): verifier and loader must allow them
    /// (`allowsClassicExtensions`).
    public let callsClassicExtensions: Bool
    /// Whether the program loops (a backward `ja`, which only libpcap's rules allow): no
    /// verifier can bound its run, so it runs checked, with an instruction budget.
    public var hasLoop: Bool { classic.instructions.indices.contains { ClassicChecker.isBackwardJump(classic.instructions[$0], at: $0) } }
    /// The options it was translated with.
    public let options: ClassicTranslator.Options
}
