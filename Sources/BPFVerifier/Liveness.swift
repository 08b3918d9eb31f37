import BPFABI
import BPFISA

/// Which registers each instruction may still read before they are written again: a backward
/// data-flow pass over the program, run once. The verifier compares only live registers when it
/// prunes (the kernel tracks the same per state with REG_LIVE_READ marks): a value nothing reads
/// again cannot make a path unsafe.
struct Liveness {
    /// Bit r set: register r is live on entry to the instruction.
    var liveIn: [UInt16]
    /// Bit s set: stack slot s of the current frame (bytes fp-8(s+1) … fp-8s-1) may be read
    /// before it is overwritten, on entry to the instruction. All ones where the analysis cannot
    /// tell (a stack pointer passed to a helper or another function, a load through a copy of
    /// r10). The kernel marks the same per state (stack REG_LIVE_READ); `stacksafe` skips the rest.
    var liveSlots: [UInt64]

    init(program: Program, kinds: [InstructionKind], functionStarts: [Int]) {
        let count = kinds.count
        var uses = [UInt16](repeating: 0, count: count)
        var defs = [UInt16](repeating: 0, count: count)
        var successors = [[Int]](repeating: [], count: count)
        func bit(_ r: UInt8) -> UInt16 { 1 << UInt16(r) }
        let callerSaved: UInt16 = 0b111111  // r0-r5
        for i in 0..<count {
            let insn = program.instructions[i]
            let next = i + 1 < count ? [i + 1] : []
            successors[i] = next
            switch kinds[i] {
            case .alu(let op, _, let source, _):
                if op != .mov { uses[i] |= bit(insn.dst) }
                if source == .register && op != .neg && op != .end { uses[i] |= bit(insn.src) }
                defs[i] = bit(insn.dst)
            case .moveSignExtend:
                uses[i] = bit(insn.src)
                defs[i] = bit(insn.dst)
            case .byteSwap:
                uses[i] = bit(insn.dst)
                defs[i] = bit(insn.dst)
            case .jumpAlways:
                successors[i] = Exploration.target(program, i).map { [$0] } ?? []
            case .jump(_, _, let source):
                uses[i] = bit(insn.dst) | (source == .register ? bit(insn.src) : 0)
                successors[i] = next + (Exploration.target(program, i).map { [$0] } ?? [])
            case .call(.helper):
                let arguments = HelperID(rawValue: insn.imm32).prototype?.arguments.count ?? 5
                uses[i] = UInt16((1 << (arguments + 1)) - 2)  // r1 ... r<arguments>
                defs[i] = callerSaved
            case .call:
                uses[i] = 0b111110
                defs[i] = callerSaved
            case .callRegister:
                uses[i] = 0b111110 | bit(insn.dst)
                defs[i] = callerSaved
            case .exit:
                uses[i] = 1
                successors[i] = []
            case .loadImmediate64:
                defs[i] = bit(insn.dst)
            case .load:
                uses[i] = bit(insn.src)
                defs[i] = bit(insn.dst)
            case .store(_, let source):
                uses[i] = bit(insn.dst) | (source == .register ? bit(insn.src) : 0)
            case .atomic(let op, let fetch, _):
                uses[i] = bit(insn.dst) | bit(insn.src)
                if op == .compareExchange {
                    uses[i] |= 1
                    defs[i] = 1
                } else if fetch || op == .exchange {
                    defs[i] = bit(insn.src)
                }
            case .packetLoad(_, let indirect):
                uses[i] = bit(6) | (indirect ? bit(insn.src) : 0)
                defs[i] = callerSaved
            }
        }
        var live = [UInt16](repeating: 0, count: count)
        var changed = true
        while changed {
            changed = false
            for i in stride(from: count - 1, through: 0, by: -1) {
                var out: UInt16 = 0
                for s in successors[i] { out |= live[s] }
                let value = uses[i] | (out & ~defs[i]) | 0x400  // r10 is always live
                if value != live[i] {
                    live[i] = value
                    changed = true
                }
            }
        }
        liveIn = live
        liveSlots = Self.stackLiveness(program: program, kinds: kinds, successors: successors)
    }

    /// Registers that may ever hold a stack pointer (flow-insensitive): r10, copies of one, and
    /// any 8-byte load when a stack pointer may have been spilled.
    private static func stackPointerRegisters(program: Program, kinds: [InstructionKind]) -> UInt16 {
        var set: UInt16 = 1 << 10
        var changed = true
        while changed {
            changed = false
            let before = set
            var spilled = false
            for (i, kind) in kinds.enumerated() {
                let insn = program.instructions[i]
                let src: UInt16 = 1 << UInt16(insn.src), dst: UInt16 = 1 << UInt16(insn.dst)
                switch kind {
                case .alu(.mov, _, .register, _), .moveSignExtend:
                    if set & src != 0 { set |= dst }
                case .store(.doubleWord, .register), .atomic:
                    if set & src != 0 { spilled = true }
                default: break
                }
            }
            if spilled {
                for (i, kind) in kinds.enumerated() {
                    if case .load(.doubleWord, _) = kind { set |= 1 << UInt16(program.instructions[i].dst) }
                    if case .atomic(_, let fetch, .doubleWord) = kind, fetch { set |= 1 << UInt16(program.instructions[i].src) }
                }
            }
            changed = set != before
        }
        return set
    }

    private static func stackLiveness(program: Program, kinds: [InstructionKind], successors: [[Int]]) -> [UInt64] {
        let count = kinds.count
        let stackPointers = stackPointerRegisters(program: program, kinds: kinds)
        let all = UInt64.max
        var gen = [UInt64](repeating: 0, count: count)
        var kill = [UInt64](repeating: 0, count: count)
        /// Slots covering `[offset, offset + size)` below r10; nil when outside the frame.
        func slots(_ offset: Int, _ size: Int) -> UInt64? {
            guard offset < 0, offset + size <= 0, offset >= -512 else { return nil }
            let first = (-(offset + size)) / 8, last = (-offset - 1) / 8
            var mask: UInt64 = 0
            for slot in first...last { mask |= 1 << UInt64(slot) }
            return mask
        }
        for i in 0..<count {
            let insn = program.instructions[i]
            let offset = Int(insn.offset)
            switch kinds[i] {
            case .load(let size, _):
                if insn.src == 10 {
                    gen[i] = slots(offset, size.byteCount) ?? all
                } else if stackPointers & (1 << UInt16(insn.src)) != 0 {
                    gen[i] = all
                }
            case .store(let size, _):
                if insn.dst == 10, size == .doubleWord, offset % 8 == 0, let mask = slots(offset, 8) {
                    kill[i] = mask
                }
            case .atomic:
                if insn.dst == 10 {
                    gen[i] = slots(offset, 8) ?? all
                } else if stackPointers & (1 << UInt16(insn.dst)) != 0 {
                    gen[i] = all
                }
            case .call(.helper):
                if stackPointers & 0b111110 != 0 { gen[i] = all }
            case .call, .callRegister:
                gen[i] = all
            default: break
            }
        }
        var live = [UInt64](repeating: 0, count: count)
        var changed = true
        while changed {
            changed = false
            for i in stride(from: count - 1, through: 0, by: -1) {
                var out: UInt64 = 0
                for s in successors[i] { out |= live[s] }
                let value = gen[i] | (out & ~kill[i])
                if value != live[i] {
                    live[i] = value
                    changed = true
                }
            }
        }
        return live
    }
}
