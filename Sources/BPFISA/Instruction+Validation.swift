/// Field-level validity of single instructions (RFC 9669 §3–§5, and the reserved-field
/// rules of the kernel's `check_alu_op`/`check_mem_access`/`check_ld_imm`).
extension Instruction {
    /// The validated meaning of this instruction, or nil if any field is invalid.
    public var kind: InstructionKind? { try? validate() }

    /// Checks every field of this instruction (not its jump targets: see ``Program``)
    /// and returns what it means.
    public func validate() throws(InstructionError) -> InstructionKind {
        guard dst <= 10 else { throw .badRegister(field: "dst", value: dst) }
        switch instructionClass {
        case .alu, .alu64: return try validateALU()
        case .jmp, .jmp32: return try validateJump()
        case .ld: return try validateLoadImmediateOrPacket()
        case .ldx: return try validateLoad()
        case .st, .stx: return try validateStore()
        }
    }

    private func requireZero(_ field: StaticString, _ value: Int64) throws(InstructionError) {
        guard value == 0 else { throw .reservedFieldNotZero(field: "\(field)", value: value) }
    }

    private func requireRegister(src: UInt8) throws(InstructionError) {
        guard src <= 10 else { throw .badRegister(field: "src", value: src) }
    }

    private func requireWritableDestination() throws(InstructionError) {
        guard dst != Register.framePointer.rawValue else { throw .writesFramePointer }
    }

    private func validateALU() throws(InstructionError) -> InstructionKind {
        let is64 = instructionClass == .alu64
        guard let op = ALUOperation(rawValue: opcode & 0xf0) else { throw .unknownOpcode(opcode) }
        let source = OperandSource(rawValue: opcode & 0x08)!
        try requireWritableDestination()
        switch op {
        case .end:
            try requireZero("src", Int64(src))
            try requireZero("offset", Int64(offset))
            guard imm == 16 || imm == 32 || imm == 64 else { throw .badByteSwapWidth(imm) }
            if is64 {
                guard source == .immediate else { throw .unknownOpcode(opcode) }
                return .byteSwap(.swap, bits: Int(imm))
            }
            return .byteSwap(source == .register ? .toBigEndian : .toLittleEndian, bits: Int(imm))
        case .neg:
            guard source == .immediate else { throw .unknownOpcode(opcode) }
            try requireZero("src", Int64(src))
            try requireZero("offset", Int64(offset))
            try requireZero("imm", imm)
            return .alu(.neg, is64: is64, source: .immediate, signed: false)
        case .mov where offset != 0:
            guard source == .register else { throw .reservedFieldNotZero(field: "offset", value: Int64(offset)) }
            guard offset == 8 || offset == 16 || (is64 && offset == 32) else { throw .badSignExtension(offset) }
            try requireRegister(src: src)
            try requireZero("imm", imm)
            return .moveSignExtend(fromBits: Int(offset), is64: is64)
        case .div, .mod:
            guard offset == 0 || offset == 1 else { throw .reservedFieldNotZero(field: "offset", value: Int64(offset)) }
            try validateOperand(source)
            return .alu(op, is64: is64, source: source, signed: offset == 1)
        default:
            try requireZero("offset", Int64(offset))
            try validateOperand(source)
            return .alu(op, is64: is64, source: source, signed: false)
        }
    }

    /// K forms carry no register in `src`; X forms carry no immediate.
    private func validateOperand(_ source: OperandSource) throws(InstructionError) {
        switch source {
        case .immediate: try requireZero("src", Int64(src))
        case .register:
            try requireRegister(src: src)
            try requireZero("imm", imm)
        }
    }

    private func validateJump() throws(InstructionError) -> InstructionKind {
        let is32 = instructionClass == .jmp32
        guard let op = JumpOperation(rawValue: opcode & 0xf0) else { throw .unknownOpcode(opcode) }
        let source = OperandSource(rawValue: opcode & 0x08)!
        switch op {
        case .ja:
            guard source == .immediate else { throw .unknownOpcode(opcode) }
            try requireZero("dst", Int64(dst))
            try requireZero("src", Int64(src))
            if is32 {
                try requireZero("offset", Int64(offset))
            } else {
                try requireZero("imm", imm)
            }
            return .jumpAlways(isLong: is32)
        case .call:
            guard !is32 else { throw .unknownOpcode(opcode) }
            try requireZero("offset", Int64(offset))
            if source == .register {
                try requireZero("src", Int64(src))
                try requireZero("imm", imm)
                return .callRegister
            }
            try requireZero("dst", Int64(dst))
            guard let kind = CallKind(rawValue: src) else { throw .badCallSource(src) }
            return .call(kind)
        case .exit:
            guard !is32, source == .immediate else { throw .unknownOpcode(opcode) }
            try requireZero("dst", Int64(dst))
            try requireZero("src", Int64(src))
            try requireZero("offset", Int64(offset))
            try requireZero("imm", imm)
            return .exit
        default:
            try validateOperand(source)
            return .jump(op, is32: is32, source: source)
        }
    }

    private func validateLoadImmediateOrPacket() throws(InstructionError) -> InstructionKind {
        guard let mode = AccessMode(rawValue: opcode & 0xe0),
              let size = AccessSize(rawValue: opcode & 0x18)
        else { throw .unknownOpcode(opcode) }
        switch (mode, size) {
        case (.immediate, .doubleWord):
            try requireWritableDestination()
            try requireZero("offset", Int64(offset))
            guard let pseudo = LoadImmediateSource(rawValue: src) else { throw .badLoadImmediateSource(src) }
            return .loadImmediate64(pseudo)
        case (.absolute, .byte), (.absolute, .half), (.absolute, .word):
            try requireZero("dst", Int64(dst))
            try requireZero("src", Int64(src))
            try requireZero("offset", Int64(offset))
            return .packetLoad(size, indirect: false)
        case (.indirect, .byte), (.indirect, .half), (.indirect, .word):
            try requireZero("dst", Int64(dst))
            try requireRegister(src: src)
            try requireZero("offset", Int64(offset))
            return .packetLoad(size, indirect: true)
        default:
            throw .unknownOpcode(opcode)
        }
    }

    private func validateLoad() throws(InstructionError) -> InstructionKind {
        guard let mode = AccessMode(rawValue: opcode & 0xe0) else { throw .unknownOpcode(opcode) }
        let size = AccessSize(rawValue: opcode & 0x18)!
        switch mode {
        case .memory: break
        case .memorySignExtend where size != .doubleWord: break
        default: throw .unknownOpcode(opcode)
        }
        try requireWritableDestination()
        try requireRegister(src: src)
        try requireZero("imm", imm)
        return .load(size, signExtend: mode == .memorySignExtend)
    }

    private func validateStore() throws(InstructionError) -> InstructionKind {
        guard let mode = AccessMode(rawValue: opcode & 0xe0) else { throw .unknownOpcode(opcode) }
        let size = AccessSize(rawValue: opcode & 0x18)!
        let isRegisterStore = instructionClass == .stx
        switch mode {
        case .memory where isRegisterStore:
            try requireRegister(src: src)
            try requireZero("imm", imm)
            return .store(size, source: .register)
        case .memory:
            try requireZero("src", Int64(src))
            return .store(size, source: .immediate)
        case .atomic where isRegisterStore && (size == .word || size == .doubleWord):
            try requireRegister(src: src)
            guard let (op, fetch) = AtomicOperation.decode(imm32), Int64(imm32) == imm else {
                throw .badAtomicOperation(imm)
            }
            // A fetching atomic writes its result back into src (cmpxchg: into r0).
            if fetch && op != .compareExchange && src == Register.framePointer.rawValue { throw .writesFramePointer }
            return .atomic(op, fetch: fetch, size: size)
        default:
            throw .unknownOpcode(opcode)
        }
    }
}
