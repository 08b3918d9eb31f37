/// What a classic instruction does, for the instructions the kernel accepts
/// (`chk_code_allowed()`, net/core/filter.c): the checker, the translator and the listings
/// switch over this instead of opcode bits. A is the accumulator, X the index register,
/// M[0…15] the scratch memory, P the packet; every value is 32 bits.
public enum ClassicOperation: Hashable, Sendable {
    /// `A = P[k:size]`, big-endian; `k` at or above `SKF_AD_OFF` is an ancillary load instead
    /// (``AncillaryField``), at `SKF_NET_OFF`/`SKF_LL_OFF` relative to the network/link header.
    case loadAbsolute(ClassicSize)
    /// `A = P[X + k:size]`.
    case loadIndirect(ClassicSize)
    /// `A = len` (the packet's length).
    case loadLength
    /// `A = k`.
    case loadImmediate
    /// `A = M[k]`.
    case loadScratch
    /// `X = len`.
    case loadXLength
    /// `X = k`.
    case loadXImmediate
    /// `X = M[k]`.
    case loadXScratch
    /// `X = 4 * (P[k:1] & 0xf)`: an IPv4 header length (`ldxb 4*([k]&0xf)`, mode `BPF_MSH`).
    case loadXHeaderLength
    /// `M[k] = A`.
    case storeA
    /// `M[k] = X`.
    case storeX
    /// `A = A op k` or `A = A op X`, 32 bits.
    case alu(ClassicALUOperation, ClassicOperand)
    /// `A = -A`.
    case negate
    /// `pc += k`.
    case jumpAlways
    /// `pc += (A cond k|X) ? jt : jf`, unsigned.
    case jump(ClassicJumpCondition, ClassicOperand)
    /// `return k`.
    case returnK
    /// `return A`.
    case returnA
    /// `X = A` (`tax`).
    case moveAToX
    /// `A = X` (`txa`).
    case moveXToA
}

/// The size field of a classic load (`BPF_SIZE`).
public enum ClassicSize: UInt16, Sendable, CaseIterable {
    case word = 0x00, half = 0x08, byte = 0x10

    public var byteCount: Int {
        switch self {
        case .word: 4
        case .half: 2
        case .byte: 1
        }
    }
}

/// The second operand of an ALU operation or a conditional jump (`BPF_SRC`).
public enum ClassicOperand: UInt16, Sendable {
    case k = 0x00
    case x = 0x08
}

/// The operation field of a classic ALU instruction (`BPF_OP`).
public enum ClassicALUOperation: UInt16, Sendable, CaseIterable {
    case add = 0x00, sub = 0x10, mul = 0x20, div = 0x30, or = 0x40, and = 0x50, lsh = 0x60, rsh = 0x70
    case mod = 0x90, xor = 0xa0

    /// The mnemonic `tcpdump -d` prints (`add`, `lsh`…).
    public var mnemonic: String {
        switch self {
        case .add: "add"
        case .sub: "sub"
        case .mul: "mul"
        case .div: "div"
        case .or: "or"
        case .and: "and"
        case .lsh: "lsh"
        case .rsh: "rsh"
        case .mod: "mod"
        case .xor: "xor"
        }
    }
}

/// The condition of a classic conditional jump (`BPF_OP` of class `BPF_JMP`).
public enum ClassicJumpCondition: UInt16, Sendable, CaseIterable {
    case equal = 0x10, greater = 0x20, greaterOrEqual = 0x30, set = 0x40

    public var mnemonic: String {
        switch self {
        case .equal: "jeq"
        case .greater: "jgt"
        case .greaterOrEqual: "jge"
        case .set: "jset"
        }
    }
}

extension ClassicInstruction {
    /// The instruction's meaning, or nil for an opcode the kernel refuses (`chk_code_allowed`):
    /// unknown bits, `ret x`, a load of a size or mode that does not exist, the seccomp-only
    /// `ldx [k]`.
    public var operation: ClassicOperation? {
        guard code <= 0xff else { return nil }
        let size = code & 0x18, mode = code & 0xe0, operation = code & 0xf0, source = code & 0x08
        switch instructionClass {
        case .ld:
            switch mode {
            case 0x20: return ClassicSize(rawValue: size).map { .loadAbsolute($0) }
            case 0x40: return ClassicSize(rawValue: size).map { .loadIndirect($0) }
            case 0x80: return size == 0 ? .loadLength : nil
            case 0x00: return size == 0 ? .loadImmediate : nil
            case 0x60: return size == 0 ? .loadScratch : nil
            default: return nil
            }
        case .ldx:
            switch code {
            case 0x81: return .loadXLength
            case 0x01: return .loadXImmediate
            case 0x61: return .loadXScratch
            case 0xb1: return .loadXHeaderLength
            default: return nil
            }
        case .st: return code == 0x02 ? .storeA : nil
        case .stx: return code == 0x03 ? .storeX : nil
        case .alu:
            if operation == 0x80 { return code == 0x84 ? .negate : nil }
            guard let op = ClassicALUOperation(rawValue: operation) else { return nil }
            return .alu(op, source == 0 ? .k : .x)
        case .jmp:
            if operation == 0x00 { return code == 0x05 ? .jumpAlways : nil }
            guard let condition = ClassicJumpCondition(rawValue: operation) else { return nil }
            return .jump(condition, source == 0 ? .k : .x)
        case .ret:
            switch code {
            case 0x06: return .returnK
            case 0x16: return .returnA
            default: return nil
            }
        case .misc:
            switch code {
            case 0x07: return .moveAToX
            case 0x87: return .moveXToA
            default: return nil
            }
        }
    }
}
