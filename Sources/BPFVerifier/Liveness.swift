import BPFABI
import BPFISA

/// Which registers each instruction may still read before they are written again: a backward
/// data-flow pass over the program, run once. The verifier compares only live registers when it
/// prunes (the kernel tracks the same per state with REG_LIVE_READ marks): a value nothing reads
/// again cannot make a path unsafe.
///
/// A second pass, over the same graph, finds the registers whose *value* may still matter
/// (``decidesIn``): a scalar that only flows into other such registers, never into a branch
/// condition, an address, a helper argument, memory or a subprogram's result, cannot change
/// which paths are walked or whether an access is safe, so pruning need not compare its bounds.
/// It is a static, per-instruction over-approximation of the kernel's precision marks
/// (`mark_chain_precision`, which backtracks from each precise use): a loop counter that is
/// compared stays exact, a packet counter that is only incremented does not split states.
struct Liveness {
    /// Bit r set: register r is live on entry to the instruction.
    var liveIn: [UInt16]
    /// Bit r set: register r's value may decide a later check (a subset of ``liveIn``).
    var decidesIn: [UInt16]
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
        // Which registers may hold a pointer (forward, to a fixpoint): only there can adding
        // registers be pointer arithmetic. Pointers come from r1/r10 at entry (r1-r5 too in a
        // subprogram), 4- and 8-byte loads (context pointer fields, spilled pointers), LDDW map
        // references and calls; mov, add and sub carry them; every other operation on a pointer
        // is refused or gives a scalar.
        var mayPointIn = [UInt16](repeating: 0, count: count)
        var reached = [Bool](repeating: false, count: count)
        var work: [Int] = []
        for start in functionStarts where start < count {
            mayPointIn[start] = start == 0 ? bit(1) | bit(10) : 0b111110 | bit(10)
            reached[start] = true
            work.append(start)
        }
        while let i = work.popLast() {
            let insn = program.instructions[i]
            var out = mayPointIn[i]
            let d = bit(insn.dst), src = bit(insn.src)
            switch kinds[i] {
            case .alu(let op, _, let source, _):
                let carried = (op == .mov ? 0 : out & d) | (source == .register ? out & src : 0)
                out &= ~d
                if (op == .mov || op == .add || op == .sub) && carried != 0 { out |= d }
            case .moveSignExtend, .byteSwap:
                out &= ~d
            case .load(let size, _):
                out &= ~d
                if size == .word || size == .doubleWord { out |= d }
            case .loadImmediate64(let source):
                out &= ~d
                if source != .value { out |= d }
            case .call(.helper):
                let pointer: Bool = switch HelperID(rawValue: insn.imm32).prototype?.returnType {
                case .integer?, .void?: false
                default: true
                }
                out &= ~callerSaved
                if pointer { out |= 1 }
            case .call, .callRegister, .packetLoad:
                out = (out & ~callerSaved) | 1
            case .atomic(let op, let fetch, _):
                if op == .compareExchange { out |= 1 } else if fetch || op == .exchange { out |= src }
            default: break
            }
            for next in successors[i] where !reached[next] || mayPointIn[next] | out != mayPointIn[next] {
                reached[next] = true
                mayPointIn[next] |= out
                work.append(next)
            }
        }

        // Value flow for the second pass: `direct` registers are used where their value is
        // checked; `flows[i]` maps a destination to the registers its new value comes from.
        var direct = [UInt16](repeating: 0, count: count)
        var flowsFrom = [UInt16](repeating: 0, count: count)
        var decideKills = [UInt16](repeating: 0, count: count)
        let starts = Set(functionStarts)
        var inSubprogram = [Bool](repeating: false, count: count)
        var current = false
        for i in 0..<count {
            if starts.contains(i) { current = i != 0 }
            inSubprogram[i] = current
        }
        for i in 0..<count {
            let insn = program.instructions[i]
            switch kinds[i] {
            case .alu(let op, _, let source, _):
                // dst's new value comes from dst (unless mov) and the source register.
                var from: UInt16 = op == .mov ? 0 : bit(insn.dst)
                if source == .register && op != .neg && op != .end { from |= bit(insn.src) }
                flowsFrom[i] = from
                decideKills[i] = bit(insn.dst)
                // Adding registers may be pointer arithmetic (types are unknown here): the scalar
                // part becomes an offset, so both sides count.
                if source == .register && (op == .add || op == .sub) && mayPointIn[i] & (bit(insn.dst) | bit(insn.src)) != 0 {
                    direct[i] = bit(insn.dst) | bit(insn.src)
                }
            case .moveSignExtend:
                flowsFrom[i] = bit(insn.src)
                decideKills[i] = bit(insn.dst)
            case .byteSwap:
                flowsFrom[i] = bit(insn.dst)
                decideKills[i] = bit(insn.dst)
            case .jump:
                direct[i] = uses[i]
            case .exit:
                // A subprogram's result goes on in the caller; the program's own is not checked.
                direct[i] = inSubprogram[i] ? 1 : 0
            case .loadImmediate64, .load:
                direct[i] = uses[i]
                decideKills[i] = defs[i]
            default:
                // Calls, stores, atomics, legacy packet loads: every register read is checked or
                // goes to memory (whose contents the pruning always compares).
                direct[i] = uses[i]
                decideKills[i] = defs[i]
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

        var decides = [UInt16](repeating: 0, count: count)
        changed = true
        while changed {
            changed = false
            for i in stride(from: count - 1, through: 0, by: -1) {
                var out: UInt16 = 0
                for s in successors[i] { out |= decides[s] }
                var value = direct[i] | (out & ~decideKills[i])
                if out & decideKills[i] != 0 { value |= flowsFrom[i] }
                value &= live[i]
                if value != decides[i] {
                    decides[i] = value
                    changed = true
                }
            }
        }
        decidesIn = decides
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
            guard offset < 0, offset + size <= 0, offset >= -StackState.byteCount else { return nil }
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

