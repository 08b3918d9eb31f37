/// One of the eleven eBPF registers.
///
/// `r0` holds return values, `r1`–`r5` carry call arguments and are clobbered by calls,
/// `r6`–`r9` are callee-saved, `r10` is the read-only frame pointer (RFC 9669 §2.4).
public enum Register: UInt8, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    case r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10

    /// The frame pointer: read-only, points one past the top of the current stack frame.
    public static let framePointer = Register.r10

    public var description: String { "r\(rawValue)" }

    public static func < (lhs: Register, rhs: Register) -> Bool { lhs.rawValue < rhs.rawValue }
}
