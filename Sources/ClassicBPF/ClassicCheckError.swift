/// A rule of the kernel's classic-BPF checker that a program breaks, at an instruction.
///
/// Shaped like the verifier's diagnostics: `insn 3: jump if true to insn 12 is past the last
/// instruction (11)`. The kernel itself only answers EINVAL; the rule is the same.
public struct ClassicCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The instruction (0-based) the rule was checked at; nil for whole-program rules.
    public var instructionIndex: Int?
    public var message: String

    public init(instructionIndex: Int?, message: String) {
        self.instructionIndex = instructionIndex
        self.message = message
    }

    public var description: String { instructionIndex.map { "insn \($0): \(message)" } ?? message }
}

/// The checker's messages, one static factory each (greppable, testable).
enum ClassicCheckMessage {
    static let empty = "the program is empty (a classic program has 1 to 4096 instructions)"
    static func tooLong(_ count: Int) -> String {
        "the program has \(count) instructions; the kernel takes at most \(ClassicProgram.maximumInstructionCount)"
    }
    static func unknownOpcode(_ code: UInt16) -> String {
        "opcode 0x\(String(code, radix: 16)) is not a classic BPF instruction the kernel accepts"
    }
    static let divisionByZero = "division by the constant 0"
    static let moduloByZero = "modulo by the constant 0"
    static func shiftTooWide(_ k: UInt32) -> String { "shift by \(k) bits; a 32-bit shift takes 0 to 31" }
    static func scratchOutOfRange(_ k: UInt32) -> String {
        "scratch memory M[\(k)] does not exist (M[0] to M[\(ClassicProgram.scratchWordCount - 1)])"
    }
    static func jumpPastEnd(_ way: String, target: Int, last: Int) -> String {
        "\(way) to insn \(target) is past the last instruction (\(last))"
    }
    static func jumpBackwards(target: Int) -> String {
        "jump back to insn \(target): classic jumps only go forward (libpcap's own loops run only under its rules)"
    }
    static func unknownAncillary(_ k: UInt32) -> String {
        "ancillary load at SKF_AD_OFF+\(k &- AncillaryField.ancillaryBase) (k = 0x\(String(k, radix: 16))) names no field the kernel knows"
    }
    static func lastNotReturn(_ code: UInt16) -> String {
        "the last instruction must be 'ret #k' or 'ret a', not opcode 0x\(String(code, radix: 16)); a filter may not run off its end"
    }
    static func readBeforeWrite(_ slot: UInt32) -> String {
        "M[\(slot)] is read before it is written on some path to here"
    }
}
