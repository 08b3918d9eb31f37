import BPFABI
import BPFISA

// Which loads and stores go through the context pointer: a forward data-flow pass over every
// path of the program, run once at load time, until the verifier exists to do it properly.
//
//   entry of the main function        r1 = ctx+0, r10 = frame+0, everything else "other"
//   mov64 rX, rY                      rX = rY (the one way a ctx pointer travels between registers)
//   add64/sub64 rX, imm on ctx+k      rX = ctx+(k±imm)     (dereferencing it is refused, as the kernel does)
//   *(u64 *)(r10 + off) = rY          stack slot = rY      (8-byte aligned spill)
//   rX = *(u64 *)(r10 + off)          rX = stack slot      (fill)
//   call helper                       r0..r5 = other
//   call local                        callee entry: r1..r5 as passed (ctx stays ctx), r10 = its frame
//   join at a merge point             equal values stay; ctx against anything else is "mixed"
//
// A load or store whose base register is ctx+0 on every path becomes a context access, checked
// by ``contextAccess(programType:offset:size:kind:)`` and translated into a context op; a base that
// is the context on some paths only is refused, as the kernel refuses an instruction used with two
// pointer types. The lattice is finite and the join monotone, so the worklist reaches a fixpoint.

/// What the tracker knows a register or an 8-byte stack slot holds.
enum TrackedValue: Hashable {
    /// Anything but the context pointer: scalars, packet and map pointers, unknown values.
    case other
    /// The context pointer plus a constant (nil: plus a value not known at load time).
    case context(offset: Int64?)
    /// The current frame pointer plus a constant (r10 and copies of it).
    case frame(offset: Int64)
    /// The context pointer on some paths and something else on others.
    case mixed

    var isContextRelated: Bool {
        switch self {
        case .context, .mixed: true
        case .other, .frame: false
        }
    }

    static func join(_ a: TrackedValue, _ b: TrackedValue) -> TrackedValue {
        if a == b { return a }
        // Two different frame offsets (or a frame pointer and a scalar) need no distinction here.
        if !a.isContextRelated && !b.isContextRelated { return .other }
        return .mixed
    }
}

/// The tracker's abstract state at one instruction.
struct TrackerState: Equatable {
    static let stackSlotCount = Interpreter.stackFrameSize / 8
    var registers: [TrackedValue]
    /// Slot `i` covers `r10 - 512 + 8i ..< r10 - 512 + 8i + 8`.
    var stack: [TrackedValue]

    init(contextIn registers: [Int] = []) {
        self.registers = Array(repeating: .other, count: 11)
        self.stack = Array(repeating: .other, count: Self.stackSlotCount)
        self.registers[10] = .frame(offset: 0)
        for r in registers { self.registers[r] = .context(offset: 0) }
    }

    /// Joins `other` into `self`; true if anything changed.
    mutating func join(_ other: TrackerState) -> Bool {
        var changed = false
        for i in registers.indices {
            let joined = TrackedValue.join(registers[i], other.registers[i])
            if joined != registers[i] { registers[i] = joined; changed = true }
        }
        for i in stack.indices {
            let joined = TrackedValue.join(stack[i], other.stack[i])
            if joined != stack[i] { stack[i] = joined; changed = true }
        }
        return changed
    }

    /// The stack slot an access of `size` bytes at frame offset `offset` falls in, if it is exactly one aligned slot.
    static func slot(frameOffset offset: Int64, size: Int) -> Int? {
        guard size == 8, offset < 0, offset >= -Int64(Interpreter.stackFrameSize), offset % 8 == 0 else { return nil }
        return Int(offset + Int64(Interpreter.stackFrameSize)) / 8
    }

    /// Marks every slot that `[offset, offset + size)` touches as holding something else.
    mutating func clobberStack(frameOffset offset: Int64, size: Int) {
        let low = offset + Int64(Interpreter.stackFrameSize)
        let high = low + Int64(size)
        guard high > 0, low < Int64(Interpreter.stackFrameSize) else { return }
        for i in Int(max(low, 0) / 8)...Int((min(high, Int64(Interpreter.stackFrameSize)) - 1) / 8) {
            stack[i] = .other
        }
    }
}

/// One instruction the tracker resolved as a context access.
struct ContextInstruction: Hashable {
    var access: ContextAccess
    var signExtend: Bool
}

/// The context tracking pass: finds the context accesses of a program of `programType` and
/// refuses the uses of the context pointer the kernel's verifier refuses.
struct ContextTracker {
    let program: Program
    let programType: ProgramType

    /// Context accesses by instruction index. Throws the first refused use, in program order.
    func analyze() throws(LoadError) -> [Int: ContextInstruction] {
        let count = program.instructions.count
        var states = [TrackerState?](repeating: nil, count: count)
        states[0] = TrackerState(contextIn: [1])
        var worklist = [0]
        var queued = [Bool](repeating: false, count: count)
        queued[0] = true
        while let index = worklist.popLast() {
            queued[index] = false
            guard let state = states[index] else { continue }
            for (successor, out) in successors(of: index, state) where successor < count {
                if states[successor] == nil {
                    states[successor] = out
                } else if !states[successor]!.join(out) {
                    continue
                }
                if !queued[successor] { queued[successor] = true; worklist.append(successor) }
            }
        }
        var accesses = [Int: ContextInstruction]()
        for index in 0..<count {
            guard let state = states[index] else { continue }
            if let access = try classify(index, state) { accesses[index] = access }
        }
        return accesses
    }

    // MARK: Checks

    private func classify(_ index: Int, _ state: TrackerState) throws(LoadError) -> ContextInstruction? {
        let insn = program.instructions[index]
        let slot = program.slotIndex(ofInstruction: index)
        let base: Int
        let size: AccessSize
        let kind: ContextAccessKind
        var signExtend = false
        switch insn.kind {
        case .load(let s, let sx)?: base = Int(insn.src); size = s; kind = .read; signExtend = sx
        case .store(let s, let source)?: base = Int(insn.dst); size = s; kind = .write(storeImmediate: source == .immediate)
        case .atomic?:
            if state.registers[Int(insn.dst)].isContextRelated {
                throw .invalidContextUse("BPF_ATOMIC stores into R\(insn.dst) ctx is not allowed", slotIndex: slot)
            }
            return nil
        case .packetLoad?:
            if state.registers[6] != .context(offset: 0) {
                throw .invalidContextUse("at the time of BPF_LD_ABS|IND R6 != pointer to skb", slotIndex: slot)
            }
            return nil
        default: return nil
        }
        guard base < state.registers.count else { return nil }
        switch state.registers[base] {
        case .other, .frame: return nil
        case .mixed:
            throw .invalidContextUse("register r\(base) is the context pointer on some paths only", slotIndex: slot)
        case .context(let offset?) where offset != 0:
            throw .invalidContextUse("dereference of modified ctx ptr R\(base) off=\(offset) disallowed", slotIndex: slot)
        case .context(nil):
            throw .invalidContextUse("variable ctx access through R\(base) disallowed", slotIndex: slot)
        case .context:
            switch contextAccess(programType: programType, offset: Int(insn.offset), size: size, kind: kind) {
            case .success(let access): return ContextInstruction(access: access, signExtend: signExtend)
            case .failure(let error): throw .contextAccess(error, slotIndex: slot)
            }
        }
    }

    // MARK: Transfer

    private func target(of index: Int) -> Int? {
        program.targetSlot(ofInstruction: index).flatMap { program.instructionIndex(atSlot: $0) }
    }

    /// The states flowing out of instruction `index` along each edge.
    private func successors(of index: Int, _ input: TrackerState) -> [(Int, TrackerState)] {
        let insn = program.instructions[index]
        guard let kind = insn.kind else { return [] }
        var state = input
        let d = Int(insn.dst), s = Int(insn.src)
        switch kind {
        case .exit:
            return []
        case .jumpAlways:
            return target(of: index).map { [($0, state)] } ?? []
        case .jump:
            return [(index + 1, state)] + (target(of: index).map { [($0, state)] } ?? [])
        case .call(.local):
            var callee = TrackerState()
            for r in 1...5 {
                if case .frame = state.registers[r] { continue }  // the caller's frame, not the callee's
                callee.registers[r] = state.registers[r]
            }
            for r in 0...5 { state.registers[r] = .other }
            return [(index + 1, state)] + (target(of: index).map { [($0, callee)] } ?? [])
        case .call, .callRegister, .packetLoad:
            for r in 0...5 { state.registers[r] = .other }
        case .alu(let operation, let is64, let source, _) where d < 11:
            state.registers[d] = aluResult(operation, is64: is64, source: source, state.registers[d],
                                           s < 11 ? state.registers[s] : .other, imm: insn.imm)
        case .moveSignExtend, .byteSwap, .loadImmediate64:
            if d < 11 { state.registers[d] = .other }
        case .load(let size, _) where d < 11:
            var loaded = TrackedValue.other
            if s < 11, case .frame(let base) = state.registers[s] {
                if let i = TrackerState.slot(frameOffset: base + Int64(insn.offset), size: size.byteCount) {
                    loaded = state.stack[i]
                }
            }
            state.registers[d] = loaded
        case .store(let size, let source) where d < 11:
            if case .frame(let base) = state.registers[d] {
                let at = base + Int64(insn.offset)
                if source == .register, s < 11, let i = TrackerState.slot(frameOffset: at, size: size.byteCount) {
                    state.stack[i] = state.registers[s]
                } else {
                    state.clobberStack(frameOffset: at, size: size.byteCount)
                }
            }
        case .atomic(let operation, let fetch, let size) where d < 11:
            if case .frame(let base) = state.registers[d] {
                state.clobberStack(frameOffset: base + Int64(insn.offset), size: size.byteCount)
            }
            if operation == .compareExchange {
                state.registers[0] = .other
            } else if (fetch || operation == .exchange) && s < 11 {
                state.registers[s] = .other
            }
        default:
            if d < 11 { state.registers[d] = .other }
        }
        return [(index + 1, state)]
    }

    private func aluResult(_ operation: ALUOperation, is64: Bool, source: OperandSource,
                           _ dst: TrackedValue, _ src: TrackedValue, imm: Int64) -> TrackedValue {
        guard is64 else { return .other }  // 32-bit results are never pointers
        switch (operation, source) {
        case (.mov, .register): return src
        case (.add, .immediate), (.sub, .immediate):
            let delta = operation == .add ? imm : 0 &- imm
            switch dst {
            case .context(let offset?): return .context(offset: offset &+ delta)
            case .frame(let offset): return .frame(offset: offset &+ delta)
            case .context(nil), .mixed, .other: return dst
            }
        case (.add, .register), (.sub, .register):
            if dst.isContextRelated || (operation == .add && src.isContextRelated) {
                return dst == .mixed || src == .mixed ? .mixed : .context(offset: nil)
            }
            return .other
        default: return .other
        }
    }
}
