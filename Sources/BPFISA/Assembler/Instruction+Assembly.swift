// Opcode arithmetic for the parsers: both dialects describe the same instruction families,
// so the bit assembly (class | operation | source, class | mode | size) lives here once.

/// The second operand of an ALU or conditional-jump instruction.
enum SourceOperand {
    case register(UInt8)
    case immediate(Int64)
}

extension Instruction {
    static func alu(
        _ operation: ALUOperation, is64: Bool, dst: UInt8, _ source: SourceOperand, offset: Int16 = 0
    ) -> Instruction {
        let opClass = (is64 ? InstructionClass.alu64 : .alu).rawValue
        switch source {
        case .register(let src):
            return Instruction(
                opcode: opClass | operation.rawValue | OperandSource.register.rawValue,
                dst: dst, src: src, offset: offset)
        case .immediate(let imm):
            return Instruction(opcode: opClass | operation.rawValue, dst: dst, offset: offset, imm: imm)
        }
    }

    static func negate(is64: Bool, dst: UInt8) -> Instruction {
        Instruction(opcode: (is64 ? InstructionClass.alu64 : .alu).rawValue | ALUOperation.neg.rawValue, dst: dst)
    }

    static func moveSignExtend(fromBits bits: Int, is64: Bool, dst: UInt8, src: UInt8) -> Instruction {
        alu(.mov, is64: is64, dst: dst, .register(src), offset: Int16(bits))
    }

    static func byteSwap(_ conversion: ByteOrderConversion, bits: Int, dst: UInt8) -> Instruction {
        let opcode: UInt8 =
            switch conversion {
            case .toLittleEndian: InstructionClass.alu.rawValue | ALUOperation.end.rawValue
            case .toBigEndian:
                InstructionClass.alu.rawValue | ALUOperation.end.rawValue | OperandSource.register.rawValue
            case .swap: InstructionClass.alu64.rawValue | ALUOperation.end.rawValue
            }
        return Instruction(opcode: opcode, dst: dst, imm: Int64(bits))
    }

    static func jump(
        _ operation: JumpOperation, is32: Bool, dst: UInt8, _ source: SourceOperand, offset: Int16
    ) -> Instruction {
        let opClass = (is32 ? InstructionClass.jmp32 : .jmp).rawValue
        switch source {
        case .register(let src):
            return Instruction(
                opcode: opClass | operation.rawValue | OperandSource.register.rawValue,
                dst: dst, src: src, offset: offset)
        case .immediate(let imm):
            return Instruction(opcode: opClass | operation.rawValue, dst: dst, offset: offset, imm: imm)
        }
    }

    /// `ja` (16-bit offset) or, when `isLong`, `ja32`/`gotol` (32-bit offset in imm).
    static func jumpAlways(isLong: Bool, distance: Int64) -> Instruction {
        isLong
            ? Instruction(opcode: InstructionClass.jmp32.rawValue | JumpOperation.ja.rawValue, imm: distance)
            : Instruction(
                opcode: InstructionClass.jmp.rawValue | JumpOperation.ja.rawValue,
                offset: Int16(truncatingIfNeeded: distance))
    }

    /// `may_goto` (kernel BPF_JCOND, opcode 0xe5): parsed so that objdump output reads
    /// back, then refused by validation like any opcode outside RFC 9669.
    static func mayGoto(offset: Int16) -> Instruction {
        Instruction(opcode: InstructionClass.jmp.rawValue | 0xe0, offset: offset)
    }

    static func call(_ kind: CallKind, imm: Int64) -> Instruction {
        Instruction(opcode: InstructionClass.jmp.rawValue | JumpOperation.call.rawValue, src: kind.rawValue, imm: imm)
    }

    static func callRegister(_ dst: UInt8) -> Instruction {
        Instruction(
            opcode: InstructionClass.jmp.rawValue | JumpOperation.call.rawValue | OperandSource.register.rawValue,
            dst: dst)
    }

    static let exit = Instruction(opcode: InstructionClass.jmp.rawValue | JumpOperation.exit.rawValue)

    static func loadImmediate64(dst: UInt8, source: LoadImmediateSource = .value, imm: Int64) -> Instruction {
        Instruction(opcode: loadImmediate64Opcode, dst: dst, src: source.rawValue, imm: imm)
    }

    static func load(_ size: AccessSize, signExtend: Bool, dst: UInt8, src: UInt8, offset: Int16) -> Instruction {
        let mode = signExtend ? AccessMode.memorySignExtend : .memory
        return Instruction(
            opcode: InstructionClass.ldx.rawValue | mode.rawValue | size.rawValue,
            dst: dst, src: src, offset: offset)
    }

    static func store(_ size: AccessSize, dst: UInt8, offset: Int16, _ source: SourceOperand) -> Instruction {
        switch source {
        case .register(let src):
            return Instruction(
                opcode: InstructionClass.stx.rawValue | AccessMode.memory.rawValue | size.rawValue,
                dst: dst, src: src, offset: offset)
        case .immediate(let imm):
            return Instruction(
                opcode: InstructionClass.st.rawValue | AccessMode.memory.rawValue | size.rawValue,
                dst: dst, offset: offset, imm: imm)
        }
    }

    /// An atomic read-modify-write; `imm` is the operation code (`AtomicOperation.immediate`)
    /// or, for LLVM's `load_acquire`/`store_release`, their codes 0x100/0x110.
    static func atomic(_ size: AccessSize, dst: UInt8, src: UInt8, offset: Int16, imm: Int64) -> Instruction {
        Instruction(
            opcode: InstructionClass.stx.rawValue | AccessMode.atomic.rawValue | size.rawValue,
            dst: dst, src: src, offset: offset, imm: imm)
    }

    /// Legacy `LD_ABS` (no register) or `LD_IND` (offset register in src).
    static func packetLoad(_ size: AccessSize, indexRegister: UInt8?, imm: Int64) -> Instruction {
        let mode = indexRegister == nil ? AccessMode.absolute : .indirect
        return Instruction(
            opcode: InstructionClass.ld.rawValue | mode.rawValue | size.rawValue,
            src: indexRegister ?? 0, imm: imm)
    }

    /// One 8-byte slot from the little-endian 64-bit value a `.8byte` directive spells.
    static func slot(_ value: UInt64) -> Instruction {
        Instruction(
            opcode: UInt8(truncatingIfNeeded: value),
            dst: UInt8(truncatingIfNeeded: value >> 8) & 0x0f,
            src: UInt8(truncatingIfNeeded: value >> 12) & 0x0f,
            offset: Int16(truncatingIfNeeded: value >> 16),
            imm: Int64(Int32(truncatingIfNeeded: value >> 32)))
    }
}
