/// The meaning of a valid ``Instruction``: what the assembler, the disassembler and the
/// interpreter's translator switch over. Produced by ``Instruction/kind`` and checked by
/// ``Instruction/validate()``.
public enum InstructionKind: Hashable, Sendable {
    /// Arithmetic: `dst = dst op operand` (for `neg`: `dst = -dst`; for `mov`: `dst = operand`).
    /// `signed` selects sdiv/smod (offset 1). `is64` is ALU64.
    case alu(ALUOperation, is64: Bool, source: OperandSource, signed: Bool)
    /// `movsx`: sign-extend the low `fromBits` (8/16/32) of src into dst (32- or 64-bit result).
    case moveSignExtend(fromBits: Int, is64: Bool)
    /// Byte order: `le`/`be` (ALU class, convert from host order) or unconditional `bswap` (ALU64).
    case byteSwap(ByteOrderConversion, bits: Int)
    /// `ja` (JMP, 16-bit offset) or `gotol` (JMP32, 32-bit offset in imm).
    case jumpAlways(isLong: Bool)
    /// A conditional jump; JMP32 compares the low 32 bits.
    case jump(JumpOperation, is32: Bool, source: OperandSource)
    /// `call imm` to a helper (src 0), a local function (src 1) or a kfunc (src 2).
    case call(CallKind)
    /// `callx dst`: call the helper whose id (or function) the register holds.
    case callRegister
    case exit
    /// LDDW with its pseudo source.
    case loadImmediate64(LoadImmediateSource)
    /// `dst = *(size *)(src + offset)`, sign-extending when `signExtend`.
    case load(AccessSize, signExtend: Bool)
    /// `*(size *)(dst + offset) = imm` (ST) or `= src` (STX).
    case store(AccessSize, source: OperandSource)
    /// Atomic read-modify-write on `*(size *)(dst + offset)` with `src`.
    case atomic(AtomicOperation, fetch: Bool, size: AccessSize)
    /// Legacy packet loads: `r0 = ntoh(*(size *)(skb->data + imm [+ src]))`.
    case packetLoad(AccessSize, indirect: Bool)
}

/// The conversion an `end`/`bswap` instruction performs.
public enum ByteOrderConversion: Hashable, Sendable {
    case toLittleEndian   // `le16/32/64`: on a little-endian host, truncation only
    case toBigEndian      // `be16/32/64`
    case swap             // `bswap16/32/64` (ALU64 class)
}
