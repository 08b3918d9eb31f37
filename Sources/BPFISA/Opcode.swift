// The eBPF opcode byte (RFC 9669 §3):
//
//   arithmetic and jumps          loads and stores
//   +--------+----+-------+       +------+------+-------+
//   |  code  | s  | class |       | mode | size | class |
//   +--------+----+-------+       +------+------+-------+
//    7      4  3   2     0         7   5  4   3  2     0
//
// `s` is the source bit: 0 = the 32-bit immediate (K), 1 = the src register (X).

/// The three low bits of every opcode.
public enum InstructionClass: UInt8, Sendable, CaseIterable {
    case ld = 0, ldx = 1, st = 2, stx = 3, alu = 4, jmp = 5, jmp32 = 6, alu64 = 7

    public init(opcode: UInt8) { self.init(rawValue: opcode & 0x07)! }

    /// ALU/ALU64/JMP/JMP32 carry an operation code; the others a mode and a size.
    public var isArithmeticOrJump: Bool { rawValue >= 4 }
}

/// The operation field (bits 4–7) of ALU and ALU64 instructions.
public enum ALUOperation: UInt8, Sendable, CaseIterable {
    case add = 0x00, sub = 0x10, mul = 0x20, div = 0x30, or = 0x40, and = 0x50, lsh = 0x60, rsh = 0x70
    case neg = 0x80, mod = 0x90, xor = 0xa0, mov = 0xb0, arsh = 0xc0, end = 0xd0
}

/// The operation field (bits 4–7) of JMP and JMP32 instructions.
public enum JumpOperation: UInt8, Sendable, CaseIterable {
    case ja = 0x00, jeq = 0x10, jgt = 0x20, jge = 0x30, jset = 0x40, jne = 0x50, jsgt = 0x60, jsge = 0x70
    case call = 0x80, exit = 0x90, jlt = 0xa0, jle = 0xb0, jslt = 0xc0, jsle = 0xd0

    /// True for the conditional jumps (everything but `ja`, `call` and `exit`).
    public var isConditional: Bool {
        switch self {
        case .ja, .call, .exit: false
        default: true
        }
    }
}

/// Whether the second operand of an ALU or jump instruction is the immediate or `src`.
public enum OperandSource: UInt8, Sendable {
    case immediate = 0x00
    case register = 0x08
}

/// The size field (bits 3–4) of load and store instructions.
public enum AccessSize: UInt8, Sendable, CaseIterable {
    case word = 0x00, half = 0x08, byte = 0x10, doubleWord = 0x18

    public var byteCount: Int {
        switch self {
        case .byte: 1
        case .half: 2
        case .word: 4
        case .doubleWord: 8
        }
    }

    public init?(byteCount: Int) {
        switch byteCount {
        case 1: self = .byte
        case 2: self = .half
        case 4: self = .word
        case 8: self = .doubleWord
        default: return nil
        }
    }
}

/// The mode field (bits 5–7) of load and store instructions.
public enum AccessMode: UInt8, Sendable, CaseIterable {
    case immediate = 0x00   // LDDW (with size doubleWord)
    case absolute = 0x20    // legacy packet load: LD_ABS
    case indirect = 0x40    // legacy packet load: LD_IND
    case memory = 0x60
    case memorySignExtend = 0x80
    case atomic = 0xc0
}

/// The `imm` field of an atomic instruction (RFC 9669 §5.3).
public enum AtomicOperation: Sendable, Hashable {
    case add, or, and, xor
    case exchange          // always fetches
    case compareExchange   // always fetches; compares with r0, old value to r0

    public static let fetchFlag: Int32 = 0x01

    /// Decodes the `imm` of an atomic instruction; nil for unknown encodings.
    public static func decode(_ imm: Int32) -> (operation: AtomicOperation, fetch: Bool)? {
        switch imm {
        case 0x00: (.add, false)
        case 0x01: (.add, true)
        case 0x40: (.or, false)
        case 0x41: (.or, true)
        case 0x50: (.and, false)
        case 0x51: (.and, true)
        case 0xa0: (.xor, false)
        case 0xa1: (.xor, true)
        case 0xe1: (.exchange, true)
        case 0xf1: (.compareExchange, true)
        default: nil
        }
    }

    /// The `imm` encoding of this operation.
    public func immediate(fetch: Bool) -> Int32 {
        switch self {
        case .add: fetch ? 0x01 : 0x00
        case .or: fetch ? 0x41 : 0x40
        case .and: fetch ? 0x51 : 0x50
        case .xor: fetch ? 0xa1 : 0xa0
        case .exchange: 0xe1
        case .compareExchange: 0xf1
        }
    }
}

/// The `src` field of an LDDW instruction: what the 64-bit immediate means (kernel `BPF_PSEUDO_*`).
public enum LoadImmediateSource: UInt8, Sendable, CaseIterable {
    case value = 0            // the immediate itself
    case mapFD = 1            // BPF_PSEUDO_MAP_FD: imm = map file descriptor
    case mapValue = 2         // BPF_PSEUDO_MAP_VALUE: imm = map fd, next imm = offset in value
    case variableAddress = 3  // BPF_PSEUDO_BTF_ID: imm = BTF id of a kernel variable
    case codeAddress = 4      // BPF_PSEUDO_FUNC: imm = instruction offset of a function
    case mapIndex = 5         // BPF_PSEUDO_MAP_IDX: imm = index into the map array
    case mapIndexValue = 6    // BPF_PSEUDO_MAP_IDX_VALUE: imm = map index, next imm = offset
}

/// The `src` field of a `call` instruction (kernel `BPF_PSEUDO_CALL`, `BPF_PSEUDO_KFUNC_CALL`).
public enum CallKind: UInt8, Sendable {
    case helper = 0   // imm = helper id
    case local = 1    // imm = instruction offset of the callee, relative to the next instruction
    case kernelFunction = 2  // imm = BTF id of a kfunc
}
