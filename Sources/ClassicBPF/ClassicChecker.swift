// The kernel's rules for a classic program, in the kernel's order (net/core/filter.c):
// `bpf_check_basics_ok()` (length), `bpf_check_classic()` (each instruction: known opcode,
// constant division, shift width, scratch index, jump ranges, ancillary offsets; then the last
// instruction is a return), and `check_load_and_stores()` (no scratch word is read before it is
// written, on any path). Jumps only go forward, so one pass in program order sees every
// predecessor of an instruction before the instruction itself.
//
// libpcap's own validator (`bpf_validate`) differs in one rule: `ja` may jump backwards, which
// libpcap's compiler uses for `protochain` (a loop over IPv6 extension headers). With those
// rules the scratch-memory check iterates to a fixed point instead of one pass.

/// Checks classic programs as the kernel does before it attaches one (or as libpcap does).
public enum ClassicChecker {
    /// Throws the first rule `program` breaks, at the instruction the kernel would stop at.
    /// With `.libpcap` rules `ja` may also jump backwards (to any instruction).
    public static func check(_ program: ClassicProgram, rules: ClassicTranslator.Options.Semantics = .linux)
        throws(ClassicCheckError)
    {
        let insns = program.instructions
        guard !insns.isEmpty else { throw ClassicCheckError(instructionIndex: nil, message: ClassicCheckMessage.empty) }
        guard insns.count <= ClassicProgram.maximumInstructionCount else {
            throw ClassicCheckError(instructionIndex: nil, message: ClassicCheckMessage.tooLong(insns.count))
        }
        let last = insns.count - 1
        for (pc, insn) in insns.enumerated() {
            func fail(_ message: String) -> ClassicCheckError { ClassicCheckError(instructionIndex: pc, message: message) }
            guard let operation = insn.operation else { throw fail(ClassicCheckMessage.unknownOpcode(insn.code)) }
            switch operation {
            case .alu(.div, .k) where insn.k == 0: throw fail(ClassicCheckMessage.divisionByZero)
            case .alu(.mod, .k) where insn.k == 0: throw fail(ClassicCheckMessage.moduloByZero)
            case .alu(.lsh, .k), .alu(.rsh, .k):
                if insn.k >= 32 { throw fail(ClassicCheckMessage.shiftTooWide(insn.k)) }
            case .loadScratch, .loadXScratch, .storeA, .storeX:
                if insn.k >= UInt32(ClassicProgram.scratchWordCount) { throw fail(ClassicCheckMessage.scratchOutOfRange(insn.k)) }
            case .jumpAlways:
                // The kernel compares unsigned: `k >= flen - pc - 1`; libpcap lets `pc + 1 + k` wrap backwards.
                if rules == .libpcap, Self.jumpTarget(pc, insn.k, count: insns.count) != nil { break }
                if insn.k >= UInt32(last - pc) {
                    let target = UInt32(pc + 1) &+ insn.k
                    if target <= UInt32(pc) { throw fail(ClassicCheckMessage.jumpBackwards(target: Int(target))) }
                    throw fail(ClassicCheckMessage.jumpPastEnd("jump", target: pc + 1 + Int(insn.k), last: last))
                }
            case .jump:
                if pc + Int(insn.jt) + 1 > last {
                    throw fail(ClassicCheckMessage.jumpPastEnd("jump if true", target: pc + Int(insn.jt) + 1, last: last))
                }
                if pc + Int(insn.jf) + 1 > last {
                    throw fail(ClassicCheckMessage.jumpPastEnd("jump if false", target: pc + Int(insn.jf) + 1, last: last))
                }
            case .loadAbsolute:
                if AncillaryField.isReserved(insn.k) { throw fail(ClassicCheckMessage.unknownAncillary(insn.k)) }
            default: break
            }
        }
        switch insns[last].operation {
        case .returnK?, .returnA?: break
        default: throw ClassicCheckError(instructionIndex: last, message: ClassicCheckMessage.lastNotReturn(insns[last].code))
        }
        if insns.indices.contains(where: { isBackwardJump(insns[$0], at: $0) }) {
            try checkScratchMemoryWithLoops(insns)
        } else {
            try checkScratchMemory(insns)
        }
    }

    /// Where a `ja` at `pc` with constant `k` lands, counting as libpcap does (`pc + 1 + k` modulo
    /// 2^32), or nil outside the program.
    public static func jumpTarget(_ pc: Int, _ k: UInt32, count: Int) -> Int? {
        let target = Int(UInt32(truncatingIfNeeded: pc + 1) &+ k)
        return target < count ? target : nil
    }

    /// True for a `ja` whose target is at or before itself.
    static func isBackwardJump(_ insn: ClassicInstruction, at pc: Int) -> Bool {
        insn.operation == .jumpAlways && insn.k >= 0x8000_0000
    }

    /// `check_load_and_stores()`: `valid` holds the scratch words written on every path to the
    /// current instruction; a jump narrows its targets' sets, and after a jump nothing falls
    /// through, so the next instruction starts from what its jumpers left (all 16 if none).
    private static func checkScratchMemory(_ insns: [ClassicInstruction]) throws(ClassicCheckError) {
        var arriving = [UInt16](repeating: 0xffff, count: insns.count)
        var valid: UInt16 = 0
        for (pc, insn) in insns.enumerated() {
            valid &= arriving[pc]
            switch insn.operation {
            case .storeA?, .storeX?:
                valid |= 1 << insn.k
            case .loadScratch?, .loadXScratch?:
                if valid & (1 << insn.k) == 0 {
                    throw ClassicCheckError(instructionIndex: pc, message: ClassicCheckMessage.readBeforeWrite(insn.k))
                }
            case .jumpAlways?:
                arriving[pc + 1 + Int(insn.k)] &= valid
                valid = 0xffff
            case .jump?:
                arriving[pc + 1 + Int(insn.jt)] &= valid
                arriving[pc + 1 + Int(insn.jf)] &= valid
                valid = 0xffff
            default: break
            }
        }
    }

    /// The scratch-memory rule for a program with backward jumps: the words written on every
    /// path, as a fixed point over all edges (each pass can only clear bits, so it ends).
    private static func checkScratchMemoryWithLoops(_ insns: [ClassicInstruction]) throws(ClassicCheckError) {
        var arriving = [UInt16](repeating: 0xffff, count: insns.count)
        arriving[0] = 0
        var changed = true
        while changed {
            changed = false
            func flow(_ target: Int, _ valid: UInt16) {
                let narrowed = arriving[target] & valid
                if narrowed != arriving[target] { arriving[target] = narrowed; changed = true }
            }
            for (pc, insn) in insns.enumerated() {
                var valid = arriving[pc]
                switch insn.operation {
                case .storeA?, .storeX?: valid |= 1 << insn.k
                case .jumpAlways?:
                    flow(jumpTarget(pc, insn.k, count: insns.count)!, valid)
                    continue
                case .jump?:
                    flow(pc + 1 + Int(insn.jt), valid)
                    flow(pc + 1 + Int(insn.jf), valid)
                    continue
                case .returnK?, .returnA?: continue
                default: break
                }
                flow(pc + 1, valid)
            }
        }
        for (pc, insn) in insns.enumerated() {
            switch insn.operation {
            case .loadScratch?, .loadXScratch?:
                if arriving[pc] & (1 << insn.k) == 0 {
                    throw ClassicCheckError(instructionIndex: pc, message: ClassicCheckMessage.readBeforeWrite(insn.k))
                }
            default: break
            }
        }
    }
}
