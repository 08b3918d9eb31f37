/// One eBPF instruction as encoded (RFC 9669 §3), with LDDW fused into a single value.
///
/// ```
///   slot (8 bytes, little-endian)
///   +--------+-----+-----+--------+----------------+
///   | opcode | dst | src | offset |      imm       |
///   +--------+-----+-----+--------+----------------+
///    0        1 lo  1 hi  2      3 4              7
/// ```
/// Every field is kept raw (even values a verifier would refuse) so that decoding and
/// encoding round-trip exactly; ``kind`` is the validated meaning. LDDW occupies two slots:
/// ``imm`` then holds the whole 64-bit immediate (first slot's imm in the low half, second
/// slot's imm in the high half) and ``slotCount`` is 2.
public struct Instruction: Hashable, Sendable {
    public var opcode: UInt8
    /// The destination register field, 4 bits (values above 10 are invalid).
    public var dst: UInt8
    /// The source register field, 4 bits (for LDDW and `call`: a pseudo-source kind).
    public var src: UInt8
    /// Signed 16-bit offset: memory displacement or jump distance in slots.
    public var offset: Int16
    /// The immediate, sign-extended from 32 bits — except for LDDW, where it is the full 64-bit value.
    public var imm: Int64

    public init(opcode: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, imm: Int64 = 0) {
        self.opcode = opcode
        self.dst = dst
        self.src = src
        self.offset = offset
        self.imm = imm
    }

    /// The LDDW opcode (`BPF_LD | BPF_IMM | BPF_DW`), the only two-slot instruction.
    public static let loadImmediate64Opcode: UInt8 = 0x18

    /// True for LDDW, which occupies two 8-byte slots.
    public var isWide: Bool { opcode == Self.loadImmediate64Opcode }

    /// How many 8-byte slots the encoding takes (2 for LDDW, else 1).
    public var slotCount: Int { isWide ? 2 : 1 }

    public var instructionClass: InstructionClass { InstructionClass(opcode: opcode) }

    /// The 32-bit immediate of the first slot.
    public var imm32: Int32 { Int32(truncatingIfNeeded: imm) }

    /// The destination register, if the field names one.
    public var dstRegister: Register? { Register(rawValue: dst) }
    /// The source register, if the field names one.
    public var srcRegister: Register? { Register(rawValue: src) }
}
