import BPFABI
import BPFISA

/// Which registers each instruction may still read before they are written again: a backward
/// data-flow pass over the program, run once. The verifier compares only live registers when it
/// prunes (the kernel tracks the same per state with REG_LIVE_READ marks): a value nothing reads
/// again cannot make a path unsafe.
struct Liveness {
    /// Bit r set: register r is live on entry to the instruction.
    var liveIn: [UInt16]

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
    }
}
