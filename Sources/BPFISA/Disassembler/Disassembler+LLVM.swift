// The LLVM dialect, field by field as LLVM 21's BPF disassembler (BPFDisassembler.cpp, the
// TableGen decoder of BPFInstrInfo.td) and printer (BPFInstPrinter.cpp) treat it. Established
// by feeding objdump every opcode with varied fields; `DisassemblerObjdumpTests` keeps it honest.
//
// What LLVM's decoder checks and what it ignores:
//   registers     r0–r11 decode (r11 is LLVM's internal AX); 12–15 make the instruction unknown
//                 — but only in fields the instruction uses.
//   ALU K / X     offset must be 0 (1 selects s/= s%= for div/mod; 8/16/32 select movsx;
//                 ALU64 mov X with offset 1 is addr_space_cast); K ignores src, X ignores imm.
//   neg           only dst is read.          end   imm must be 16/32/64; src, offset ignored.
//   jumps         K ignores src, X ignores imm; `goto` reads only offset, `gotol` only imm.
//   call/callx    `call` reads only imm, `callx` only dst.   exit  only imm (must be 0).
//   LDX/ST/STX    LDX and STX ignore imm, ST ignores src.
//   atomics       only imm bits 0–8 are read (see `llvmAtomic`).
//   LD            lddw needs offset 0 and reads only the first slot's fields plus the
//                 second slot's imm; LD_ABS reads imm, LD_IND reads src.

extension Disassembler {
    /// objdump's text for `insn`, or nil where objdump prints `<unknown>`.
    static func llvmText(of insn: Instruction) -> String? {
        switch insn.instructionClass {
        case .alu, .alu64: llvmALU(insn)
        case .jmp, .jmp32: llvmJump(insn)
        case .ld: llvmLoadImmediateOrPacket(insn)
        case .ldx: llvmLoad(insn)
        case .st: llvmStoreImmediate(insn)
        case .stx: llvmStoreRegister(insn)
        }
    }

    // MARK: Operands

    /// `r<n>` (64-bit view) for n in 0...11, else nil.
    private static func r(_ n: UInt8) -> String? { n <= 11 ? "r\(n)" : nil }
    /// `w<n>` (32-bit view) for n in 0...11, else nil.
    private static func w(_ n: UInt8) -> String? { n <= 11 ? "w\(n)" : nil }
    private static func register(_ n: UInt8, wide: Bool) -> String? { wide ? r(n) : w(n) }

    /// LLVM's `formatImm`: hex with sign, `0x1`, `-0x1`.
    private static func immediate(_ value: some BinaryInteger) -> String { hex(value) }

    /// `r1 + 0x8` / `r10 - 0x8` (printMemOperand).
    private static func memory(_ base: UInt8, _ offset: Int16) -> String? {
        guard let base = r(base) else { return nil }
        return offset >= 0 ? "\(base) + \(hex(offset))" : "\(base) - \(hex(-Int(offset)))"
    }

    /// `+0x3` / `-0x3` (printBrTargetOperand).
    private static func branch(_ offset: some BinaryInteger) -> String {
        offset >= 0 ? "+" + hex(offset) : hex(offset)
    }

    private static func sizeName(_ size: AccessSize) -> String { "\(size.byteCount * 8)" }

    // MARK: Classes

    private static func llvmALU(_ insn: Instruction) -> String? {
        let is64 = insn.instructionClass == .alu64
        let isRegisterSource = insn.opcode & OperandSource.register.rawValue != 0
        guard let operation = ALUOperation(rawValue: insn.opcode & 0xf0),
            let dst = register(insn.dst, wide: is64)
        else { return nil }
        switch operation {
        case .neg:
            guard !isRegisterSource else { return nil }
            return "\(dst) = -\(dst)"
        case .end:
            guard !(is64 && isRegisterSource), [16, 32, 64].contains(insn.imm32), let dst = r(insn.dst) else {
                return nil
            }
            let name = is64 ? "bswap" : isRegisterSource ? "be" : "le"
            return "\(dst) = \(name)\(insn.imm32) \(dst)"
        case .mov where isRegisterSource:
            guard let src = register(insn.src, wide: is64) else { return nil }
            switch insn.offset {
            case 0: return "\(dst) = \(src)"
            case 8, 16: return "\(dst) = (s\(insn.offset))\(src)"
            case 32 where is64: return "\(dst) = (s32)\(src)"
            case 1 where is64:
                let spaces = UInt32(bitPattern: insn.imm32)
                return "\(dst) = addr_space_cast(\(src), \(hex(spaces >> 16)), \(hex(spaces & 0xffff)))"
            default: return nil
            }
        default:
            guard let symbol = compoundAssignment(operation, signed: insn.offset == 1) else { return nil }
            guard insn.offset == 0 || (insn.offset == 1 && (operation == .div || operation == .mod)) else {
                return nil
            }
            let operand: String
            if isRegisterSource {
                guard let src = register(insn.src, wide: is64) else { return nil }
                operand = src
            } else {
                operand = immediate(insn.imm32)
            }
            return "\(dst) \(symbol) \(operand)"
        }
    }

    private static func compoundAssignment(_ operation: ALUOperation, signed: Bool) -> String? {
        switch operation {
        case .add: "+="
        case .sub: "-="
        case .mul: "*="
        case .div: signed ? "s/=" : "/="
        case .or: "|="
        case .and: "&="
        case .lsh: "<<="
        case .rsh: ">>="
        case .mod: signed ? "s%=" : "%="
        case .xor: "^="
        case .mov: "="
        case .arsh: "s>>="
        case .neg, .end: nil
        }
    }

    private static func llvmJump(_ insn: Instruction) -> String? {
        let is32 = insn.instructionClass == .jmp32
        let isRegisterSource = insn.opcode & OperandSource.register.rawValue != 0
        switch insn.opcode & 0xf0 {
        case JumpOperation.ja.rawValue:
            guard !isRegisterSource else { return nil }
            return is32 ? "gotol \(branch(insn.imm32))" : "goto \(branch(insn.offset))"
        case JumpOperation.call.rawValue:
            guard !is32 else { return nil }
            if isRegisterSource {
                return r(insn.dst).map { "callx \($0)" }
            }
            return "call \(immediate(insn.imm32))"
        case JumpOperation.exit.rawValue:
            guard !is32, !isRegisterSource, insn.imm32 == 0 else { return nil }
            return "exit"
        case 0xe0:  // BPF_JCOND: the kernel's may_goto
            guard !is32, !isRegisterSource else { return nil }
            return "may_goto \(branch(insn.offset))"
        default:
            guard let operation = JumpOperation(rawValue: insn.opcode & 0xf0),
                let symbol = comparison(operation),
                let dst = register(insn.dst, wide: !is32)
            else { return nil }
            let operand: String
            if isRegisterSource {
                guard let src = register(insn.src, wide: !is32) else { return nil }
                operand = src
            } else {
                operand = immediate(insn.imm32)
            }
            return "if \(dst) \(symbol) \(operand) goto \(branch(insn.offset))"
        }
    }

    private static func comparison(_ operation: JumpOperation) -> String? {
        switch operation {
        case .jeq: "=="
        case .jgt: ">"
        case .jge: ">="
        case .jset: "&"
        case .jne: "!="
        case .jsgt: "s>"
        case .jsge: "s>="
        case .jlt: "<"
        case .jle: "<="
        case .jslt: "s<"
        case .jsle: "s<="
        case .ja, .call, .exit: nil
        }
    }

    private static func llvmLoadImmediateOrPacket(_ insn: Instruction) -> String? {
        guard let mode = AccessMode(rawValue: insn.opcode & 0xe0),
            let size = AccessSize(rawValue: insn.opcode & 0x18)
        else { return nil }
        switch (mode, size) {
        case (.immediate, .doubleWord):
            guard insn.offset == 0, let dst = r(insn.dst) else { return nil }
            if insn.src == 0 { return "\(dst) = \(immediate(insn.imm)) ll" }
            // LD_pseudo: LLVM prints the pseudo kind and only the low 32 bits of the immediate.
            return "ld_pseudo\t\(dst), \(hex(insn.src)), \(hex(UInt32(truncatingIfNeeded: insn.imm)))"
        case (.absolute, .byte), (.absolute, .half), (.absolute, .word):
            return "r0 = *(u\(sizeName(size)) *)skb[\(immediate(insn.imm32))]"
        case (.indirect, .byte), (.indirect, .half), (.indirect, .word):
            return r(insn.src).map { "r0 = *(u\(sizeName(size)) *)skb[\($0)]" }
        default:
            return nil
        }
    }

    private static func llvmLoad(_ insn: Instruction) -> String? {
        let size = AccessSize(rawValue: insn.opcode & 0x18)!
        guard let address = memory(insn.src, insn.offset) else { return nil }
        switch insn.opcode & 0xe0 {
        case AccessMode.memory.rawValue:
            guard let dst = register(insn.dst, wide: size == .doubleWord) else { return nil }
            return "\(dst) = *(u\(sizeName(size)) *)(\(address))"
        case AccessMode.memorySignExtend.rawValue where size != .doubleWord:
            guard let dst = r(insn.dst) else { return nil }
            return "\(dst) = *(s\(sizeName(size)) *)(\(address))"
        default:
            return nil
        }
    }

    private static func llvmStoreImmediate(_ insn: Instruction) -> String? {
        let size = AccessSize(rawValue: insn.opcode & 0x18)!
        guard insn.opcode & 0xe0 == AccessMode.memory.rawValue, let address = memory(insn.dst, insn.offset) else {
            return nil
        }
        return "*(u\(sizeName(size)) *)(\(address)) = \(immediate(insn.imm32))"
    }

    private static func llvmStoreRegister(_ insn: Instruction) -> String? {
        let size = AccessSize(rawValue: insn.opcode & 0x18)!
        switch insn.opcode & 0xe0 {
        case AccessMode.memory.rawValue:
            guard let address = memory(insn.dst, insn.offset),
                let src = register(insn.src, wide: size == .doubleWord)
            else { return nil }
            return "*(u\(sizeName(size)) *)(\(address)) = \(src)"
        case AccessMode.atomic.rawValue:
            return llvmAtomic(insn, size: size)
        default:
            return nil
        }
    }

    /// Atomics decode from imm bits 0–8 only (bits 9–31 are ignored):
    ///
    ///     bit 8 | bits 4–7 | bits 0–3   W/DW                         B/H
    ///     1     | 0        | not 1      load_acquire                 load_acquire
    ///     1     | 0        | 1          atomic_fetch_add             load_acquire
    ///     1     | 1        | any        store_release                store_release
    ///     any   | 0/4/5/a  | 1          atomic_fetch_add/or/and/xor  unknown
    ///     any   | 0/4/5/a  | not 1      lock add/or/and/xor          unknown
    ///     any   | e / f    | 1          xchg / cmpxchg               unknown
    private static func llvmAtomic(_ insn: Instruction, size: AccessSize) -> String? {
        let imm = UInt32(bitPattern: insn.imm32)
        let operation = (imm >> 4) & 0xf
        let low = imm & 0xf
        let acquireRelease = imm & 0x100 != 0
        let wide = size == .doubleWord
        let type = "u\(sizeName(size))"
        if acquireRelease && operation == 0 && (low != 1 || size == .byte || size == .half) {
            guard let dst = register(insn.dst, wide: wide), let address = memory(insn.src, insn.offset) else {
                return nil
            }
            return "\(dst) = load_acquire((\(type) *)(\(address)))"
        }
        guard let address = memory(insn.dst, insn.offset), let src = register(insn.src, wide: wide) else {
            return nil
        }
        if acquireRelease && operation == 1 {
            return "store_release((\(type) *)(\(address)), \(src))"
        }
        guard size == .word || size == .doubleWord else { return nil }
        let fetch = low == 1
        let name: String
        switch operation {
        case 0x0: name = "add"
        case 0x4: name = "or"
        case 0x5: name = "and"
        case 0xa: name = "xor"
        case 0xe where fetch:
            return wide ? "\(src) = xchg_64(\(address), \(src))" : "\(src) = xchg32_32(\(address), \(src))"
        case 0xf where fetch:
            return wide ? "r0 = cmpxchg_64(\(address), r0, \(src))" : "w0 = cmpxchg32_32(\(address), w0, \(src))"
        default: return nil
        }
        if fetch {
            return "\(src) = atomic_fetch_\(name)((\(type) *)(\(address)), \(src))"
        }
        let symbol =
            switch operation {
            case 0x0: "+="
            case 0x4: "|="
            case 0x5: "&="
            default: "^="
            }
        return "lock *(\(type) *)(\(address)) \(symbol) \(src)"
    }
}
