public import BPFISA

/// Why the verifier refused a program: where, the kernel's words, and what it knew there.
public struct VerificationError: Error, Sendable, CustomStringConvertible {
    /// The instruction (index into the program's instructions) where the violation is, if one.
    public var instructionIndex: Int?
    /// Its slot (the kernel's instruction number, which counts an LDDW as two).
    public var slotIndex: Int?
    /// The kernel verifier's message (`R2 invalid mem access 'scalar'`).
    public var message: String
    /// How to fix it, in the program's terms, for the common mistakes; nil otherwise.
    public var hint: String?
    /// The registers as the verifier knew them before the instruction (`R1=ctx() R2=pkt(r=0)…`).
    public var state: String?
    /// The source line of the instruction, from the program's BTF line info.
    public var sourceLocation: SourceLocation?
    /// The state trace up to the violation, when a log was asked for.
    public var log: [String] = []
    /// False for the errors that stop verification even on a speculative path (complexity
    /// limits): the others are the kernel's EACCES/EINVAL, which only end such a path.
    var endsSpeculativePathOnly = true

    public init(instructionIndex: Int?, slotIndex: Int?, message: String, hint: String? = nil, state: String? = nil) {
        self.instructionIndex = instructionIndex
        self.slotIndex = slotIndex
        self.message = message
        self.hint = hint
        self.state = state
    }

    public var description: String {
        var text = slotIndex.map { "insn \($0): " } ?? ""
        text += message
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}
