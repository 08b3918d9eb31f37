public import BPFISA

// The eBPF instructions the translation emits, spelled from BPFISA's opcode fields. Register
// roles are the kernel's (`bpf_convert_filter()`): A in r0 (the return value), X in r7, the
// context kept in r6 (what LD_ABS/LD_IND require), r2 as scratch, r8 to hold A across a
// legacy load, and M[k] as the 32-bit stack word at r10 - 4k - 4.

enum EBPF {
    static let a: UInt8 = 0, x: UInt8 = 7, context: UInt8 = 6, scratch: UInt8 = 2, saved: UInt8 = 8
    static let frame: UInt8 = 10

    static func alu32(_ op: ALUOperation, _ dst: UInt8, imm: UInt32) -> Instruction {
        Instruction(opcode: InstructionClass.alu.rawValue | op.rawValue, dst: dst, imm: Int64(Int32(bitPattern: imm)))
    }

    static func alu32(_ op: ALUOperation, _ dst: UInt8, _ src: UInt8) -> Instruction {
        Instruction(opcode: InstructionClass.alu.rawValue | op.rawValue | OperandSource.register.rawValue, dst: dst, src: src)
    }

    static func alu64(_ op: ALUOperation, _ dst: UInt8, _ src: UInt8) -> Instruction {
        Instruction(opcode: InstructionClass.alu64.rawValue | op.rawValue | OperandSource.register.rawValue, dst: dst, src: src)
    }

    static func alu64(_ op: ALUOperation, _ dst: UInt8, imm: Int32) -> Instruction {
        Instruction(opcode: InstructionClass.alu64.rawValue | op.rawValue, dst: dst, imm: Int64(imm))
    }

    static func move64(_ dst: UInt8, _ src: UInt8) -> Instruction { alu64(.mov, dst, src) }
    static func move32(_ dst: UInt8, imm: UInt32) -> Instruction { alu32(.mov, dst, imm: imm) }

    static func negate32(_ dst: UInt8) -> Instruction {
        Instruction(opcode: InstructionClass.alu.rawValue | ALUOperation.neg.rawValue, dst: dst)
    }

    /// `be16 dst`: the low 16 bits from network order, zero-extended.
    static func fromBigEndian16(_ dst: UInt8) -> Instruction {
        Instruction(opcode: InstructionClass.alu.rawValue | ALUOperation.end.rawValue | OperandSource.register.rawValue,
                    dst: dst, imm: 16)
    }

    /// `dst = *(u32 *)(src + offset)`.
    static func loadWord(_ dst: UInt8, _ src: UInt8, offset: Int16) -> Instruction {
        Instruction(opcode: InstructionClass.ldx.rawValue | AccessMode.memory.rawValue | AccessSize.word.rawValue,
                    dst: dst, src: src, offset: offset)
    }

    /// `*(u32 *)(dst + offset) = src`.
    static func storeWord(_ dst: UInt8, offset: Int16, _ src: UInt8) -> Instruction {
        Instruction(opcode: InstructionClass.stx.rawValue | AccessMode.memory.rawValue | AccessSize.word.rawValue,
                    dst: dst, src: src, offset: offset)
    }

    /// The stack offset of scratch word M[k] (`stack_off = k * 4 + 4` below the frame pointer).
    static func scratchOffset(_ k: UInt32) -> Int16 { -Int16(k) * 4 - 4 }

    /// LD_ABS (`index` nil) or LD_IND: r0 = the packet's `size` bytes at imm (+ index), or the
    /// program ends returning 0 when they are outside it.
    static func packetLoad(_ size: ClassicSize, index: UInt8?, imm: Int32) -> Instruction {
        let accessSize: AccessSize = switch size {
        case .byte: .byte
        case .half: .half
        case .word: .word
        }
        let mode: AccessMode = index == nil ? .absolute : .indirect
        return Instruction(opcode: InstructionClass.ld.rawValue | mode.rawValue | accessSize.rawValue,
                           src: index ?? 0, imm: Int64(imm))
    }

    /// A jump with its distance left 0 (the translator fills it in). `is32` compares the low halves.
    static func jump(_ op: JumpOperation, _ dst: UInt8, imm: UInt32, is32: Bool = false) -> Instruction {
        Instruction(opcode: (is32 ? InstructionClass.jmp32 : .jmp).rawValue | op.rawValue, dst: dst,
                    imm: Int64(Int32(bitPattern: imm)))
    }

    static func jump(_ op: JumpOperation, _ dst: UInt8, _ src: UInt8) -> Instruction {
        Instruction(opcode: InstructionClass.jmp.rawValue | op.rawValue | OperandSource.register.rawValue, dst: dst, src: src)
    }

    static func jumpAlways(_ offset: Int16 = 0) -> Instruction {
        Instruction(opcode: InstructionClass.jmp.rawValue | JumpOperation.ja.rawValue, offset: offset)
    }

    static func call(_ id: Int32) -> Instruction {
        Instruction(opcode: InstructionClass.jmp.rawValue | JumpOperation.call.rawValue, imm: Int64(id))
    }

    static var exit: Instruction { Instruction(opcode: InstructionClass.jmp.rawValue | JumpOperation.exit.rawValue) }
}
