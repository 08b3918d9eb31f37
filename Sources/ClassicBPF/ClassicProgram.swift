/// A classic BPF program: the array a `struct sock_fprog` points at, or a `struct bpf_program`.
/// Holds any instructions (``ClassicChecker`` says whether the kernel would take them).
public struct ClassicProgram: Hashable, Sendable {
    public var instructions: [ClassicInstruction]

    public init(_ instructions: [ClassicInstruction]) { self.instructions = instructions }

    /// The kernel's limit on a program's length (`BPF_MAXINSNS`).
    public static let maximumInstructionCount = 4096
    /// Scratch memory words M[0…15] (`BPF_MEMWORDS`).
    public static let scratchWordCount = 16
}

/// How a classic program is written down.
public enum ClassicFormat: String, Sendable, CaseIterable {
    /// `tcpdump -ddd`: the instruction count on the first line, then one `code jt jf k` line per
    /// instruction, in decimal. Commas may separate the records instead of line breaks, as
    /// iptables' `--bytecode` and `nfbpf_compile` write them.
    case decimal
    /// `tcpdump -dd`: a C initializer, `{ 0x28, 0, 0, 0x0000000c },` per instruction, optionally
    /// inside `struct sock_filter name[] = { … };`.
    case cArray
    /// The raw array: 8-byte `struct sock_filter` records, little-endian.
    case binary
}
