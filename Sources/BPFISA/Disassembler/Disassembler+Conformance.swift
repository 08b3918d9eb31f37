// The conformance dialect: the assembly of the bpf_conformance and uBPF test vectors
// (github.com/Alan-Jowett/bpf_conformance, `lib/src/bpf_assembler.cc`).
//
//   mov %r0, 1          mov32 %r0, 0x10        ALU64 / ALU (`32` suffix), K or X operand
//   sdiv %r1, %r2       movsx832 %r1, %r2      offset-selected variants
//   be16 %r0  le32 %r0  bswap64 %r0  neg %r1
//   ldxw %r0, [%r1+4]   ldxsb %r0, [%r1-2]     stw [%r1+2], 17   stxdw [%r10-8], %r1
//   lddw %r0, 0x1122334455667788      lddw %r1, map_fd(3)   lddw %r1, map_value(3, 16)
//   jeq %r1, 2, +3      jne32 %r1, %r2, -1     ja +2   ja32 +70000
//   call 5              call local +4          call runtime 7    call %r2 (callx)   exit
//   lock add [%r10-8], %r1      lock fetch xor32 [%r1], %r2
//   lock xchg [%r1], %r2        lock cmpxchg32 [%r1+4], %r2
//   ldabsw 12           ldindh %r2, 12         legacy packet loads (kernel mnemonics)
//
// Every instruction is printed from its raw fields, so the text shows what is there even
// when it is invalid (`mov %r11, 1`), and every valid program assembles back to the same
// bytes (checked over the conformance suites). A field the syntax has no place for (a
// non-zero `src` in a K-form, an unknown atomic, a byte swap of 48 bits, an unknown lddw
// pseudo source) sends the whole instruction to `.8byte 0x…`, one line per slot.
//
// Numbers: immediates in decimal when negative or within ±10, else hex (as the
// bpf_conformance disassembler); offsets and helper ids in decimal; lddw in hex.

extension Disassembler {
    /// The conformance-dialect text of `insn`, or nil when the syntax cannot express it.
    static func conformanceText(of insn: Instruction) -> String? {
        switch insn.instructionClass {
        case .alu, .alu64: conformanceALU(insn)
        case .jmp, .jmp32: conformanceJump(insn)
        case .ld: conformanceLoadImmediateOrPacket(insn)
        case .ldx: conformanceLoad(insn)
        case .st: conformanceStoreImmediate(insn)
        case .stx: conformanceStoreRegister(insn)
        }
    }

    // MARK: Operands

    private static func reg(_ n: UInt8) -> String? { n <= 15 ? "%r\(n)" : nil }

    private static func number(_ value: Int32) -> String {
        value <= 10 ? "\(value)" : "0x" + String(UInt32(bitPattern: value), radix: 16)
    }

    private static func memory(_ base: UInt8, _ offset: Int16) -> String? {
        guard let base = reg(base) else { return nil }
        return offset == 0 ? "[\(base)]" : offset > 0 ? "[\(base)+\(offset)]" : "[\(base)\(offset)]"
    }

    private static func relative(_ offset: some BinaryInteger) -> String {
        offset >= 0 ? "+\(offset)" : "\(offset)"
    }

    private static func sizeSuffix(_ size: AccessSize) -> String {
        switch size {
        case .byte: "b"
        case .half: "h"
        case .word: "w"
        case .doubleWord: "dw"
        }
    }

    private static let aluNames: [ALUOperation: String] = [
        .add: "add", .sub: "sub", .mul: "mul", .div: "div", .or: "or", .and: "and", .lsh: "lsh",
        .rsh: "rsh", .mod: "mod", .xor: "xor", .mov: "mov", .arsh: "arsh",
    ]

    private static let jumpNames: [JumpOperation: String] = [
        .jeq: "jeq", .jgt: "jgt", .jge: "jge", .jset: "jset", .jne: "jne", .jsgt: "jsgt", .jsge: "jsge",
        .jlt: "jlt", .jle: "jle", .jslt: "jslt", .jsle: "jsle",
    ]

    // MARK: Classes

    private static func conformanceALU(_ insn: Instruction) -> String? {
        let is64 = insn.instructionClass == .alu64
        let suffix = is64 ? "" : "32"
        let isRegisterSource = insn.opcode & OperandSource.register.rawValue != 0
        guard let operation = ALUOperation(rawValue: insn.opcode & 0xf0), let dst = reg(insn.dst) else { return nil }
        switch operation {
        case .end:
            guard insn.src == 0, insn.offset == 0, [16, 32, 64].contains(insn.imm), !(is64 && isRegisterSource) else {
                return nil
            }
            let name = is64 ? "bswap" : isRegisterSource ? "be" : "le"
            return "\(name)\(insn.imm) \(dst)"
        case .neg:
            guard !isRegisterSource, insn.src == 0, insn.offset == 0, insn.imm == 0 else { return nil }
            return "neg\(suffix) \(dst)"
        case .mov where insn.offset != 0:
            guard isRegisterSource, insn.imm == 0, [8, 16, 32].contains(insn.offset), let src = reg(insn.src) else {
                return nil
            }
            return "movsx\(insn.offset)\(is64 ? "64" : "32") \(dst), \(src)"
        default:
            guard var name = aluNames[operation] else { return nil }
            switch insn.offset {
            case 0: break
            case 1 where operation == .div || operation == .mod: name = "s" + name
            default: return nil
            }
            if isRegisterSource {
                guard insn.imm == 0, let src = reg(insn.src) else { return nil }
                return "\(name)\(suffix) \(dst), \(src)"
            }
            guard insn.src == 0 else { return nil }
            return "\(name)\(suffix) \(dst), \(number(insn.imm32))"
        }
    }

    private static func conformanceJump(_ insn: Instruction) -> String? {
        let is32 = insn.instructionClass == .jmp32
        let isRegisterSource = insn.opcode & OperandSource.register.rawValue != 0
        guard let operation = JumpOperation(rawValue: insn.opcode & 0xf0) else { return nil }
        switch operation {
        case .ja:
            guard !isRegisterSource, insn.dst == 0, insn.src == 0 else { return nil }
            if is32 {
                guard insn.offset == 0 else { return nil }
                return "ja32 \(relative(insn.imm32))"
            }
            guard insn.imm == 0 else { return nil }
            return "ja \(relative(insn.offset))"
        case .call:
            guard !is32, insn.offset == 0 else { return nil }
            if isRegisterSource {
                guard insn.src == 0, insn.imm == 0, let dst = reg(insn.dst) else { return nil }
                return "call \(dst)"
            }
            guard insn.dst == 0 else { return nil }
            switch CallKind(rawValue: insn.src) {
            case .helper?: return "call \(insn.imm32)"
            case .local?: return "call local \(relative(insn.imm32))"
            case .kernelFunction?: return "call runtime \(insn.imm32)"
            case nil: return nil
            }
        case .exit:
            guard !is32, !isRegisterSource, insn.dst == 0, insn.src == 0, insn.offset == 0, insn.imm == 0 else {
                return nil
            }
            return "exit"
        default:
            guard let name = jumpNames[operation], let dst = reg(insn.dst) else { return nil }
            let operand: String
            if isRegisterSource {
                guard insn.imm == 0, let src = reg(insn.src) else { return nil }
                operand = src
            } else {
                guard insn.src == 0 else { return nil }
                operand = number(insn.imm32)
            }
            return "\(name)\(is32 ? "32" : "") \(dst), \(operand), \(relative(insn.offset))"
        }
    }

    private static func conformanceLoadImmediateOrPacket(_ insn: Instruction) -> String? {
        guard let mode = AccessMode(rawValue: insn.opcode & 0xe0),
            let size = AccessSize(rawValue: insn.opcode & 0x18)
        else { return nil }
        switch (mode, size) {
        case (.immediate, .doubleWord):
            guard insn.offset == 0, let dst = reg(insn.dst) else { return nil }
            guard insn.src != 0 else { return "lddw \(dst), 0x" + String(UInt64(bitPattern: insn.imm), radix: 16) }
            return pseudoOperand(insn).map { "lddw \(dst), \($0)" }
        case (.absolute, .byte), (.absolute, .half), (.absolute, .word):
            guard insn.dst == 0, insn.src == 0, insn.offset == 0 else { return nil }
            return "ldabs\(sizeSuffix(size)) \(number(insn.imm32))"
        case (.indirect, .byte), (.indirect, .half), (.indirect, .word):
            guard insn.dst == 0, insn.offset == 0, let src = reg(insn.src) else { return nil }
            return "ldind\(sizeSuffix(size)) \(src), \(number(insn.imm32))"
        default:
            return nil
        }
    }

    /// `map_fd(3)`, `map_value(3, 16)`, `func(+4)`…: an lddw pseudo source and its immediate
    /// (the assembler's syntax for the kernel's BPF_PSEUDO_*); nil when the second half of
    /// the immediate holds something that form has no place for.
    private static func pseudoOperand(_ insn: Instruction) -> String? {
        let low = Int32(truncatingIfNeeded: insn.imm)
        let high = Int32(truncatingIfNeeded: insn.imm >> 32)
        switch LoadImmediateSource(rawValue: insn.src) {
        case .mapFD? where high == 0: return "map_fd(\(low))"
        case .mapValue?: return "map_value(\(low), \(high))"
        case .variableAddress? where high == 0: return "btf_id(\(low))"
        case .codeAddress? where high == 0: return "func(\(relative(low)))"
        case .mapIndex? where high == 0: return "map_idx(\(low))"
        case .mapIndexValue?: return "map_idx_value(\(low), \(high))"
        default: return nil
        }
    }

    private static func conformanceLoad(_ insn: Instruction) -> String? {
        let size = AccessSize(rawValue: insn.opcode & 0x18)!
        guard insn.imm == 0, let dst = reg(insn.dst), let address = memory(insn.src, insn.offset) else { return nil }
        switch insn.opcode & 0xe0 {
        case AccessMode.memory.rawValue: return "ldx\(sizeSuffix(size)) \(dst), \(address)"
        case AccessMode.memorySignExtend.rawValue where size != .doubleWord:
            return "ldxs\(sizeSuffix(size)) \(dst), \(address)"
        default: return nil
        }
    }

    private static func conformanceStoreImmediate(_ insn: Instruction) -> String? {
        let size = AccessSize(rawValue: insn.opcode & 0x18)!
        guard insn.opcode & 0xe0 == AccessMode.memory.rawValue, insn.src == 0,
            let address = memory(insn.dst, insn.offset)
        else { return nil }
        return "st\(sizeSuffix(size)) \(address), \(number(insn.imm32))"
    }

    private static func conformanceStoreRegister(_ insn: Instruction) -> String? {
        let size = AccessSize(rawValue: insn.opcode & 0x18)!
        guard let address = memory(insn.dst, insn.offset), let src = reg(insn.src) else { return nil }
        switch insn.opcode & 0xe0 {
        case AccessMode.memory.rawValue:
            guard insn.imm == 0 else { return nil }
            return "stx\(sizeSuffix(size)) \(address), \(src)"
        case AccessMode.atomic.rawValue where size == .word || size == .doubleWord:
            guard let (operation, fetch) = AtomicOperation.decode(insn.imm32), Int64(insn.imm32) == insn.imm else {
                return nil
            }
            let width = size == .word ? "32" : ""
            let name: String =
                switch operation {
                case .add: "add"
                case .or: "or"
                case .and: "and"
                case .xor: "xor"
                case .exchange: "xchg"
                case .compareExchange: "cmpxchg"
                }
            let fetchWord = fetch && operation != .exchange && operation != .compareExchange ? "fetch " : ""
            return "lock \(fetchWord)\(name)\(width) \(address), \(src)"
        default:
            return nil
        }
    }
}
