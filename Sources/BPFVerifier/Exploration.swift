import BPFABI
import BPFISA

/// A state seen at a prune point, kept to end later paths that arrive with nothing new
/// (`struct bpf_verifier_state_list`). `branches` counts the paths still being explored from it:
/// only a finished state (0) may prune another; an unfinished one is on the current loop.
///
/// An unfinished state lives in ``Exploration/unfinished`` under its signature (only an equal
/// state matters to it: the infinite-loop check), a finished one in ``Exploration/visited`` at
/// its instruction (every later state there is compared for inclusion).
final class VisitedNode {
    let state: VerifierState
    let parent: VisitedNode?
    /// Where the state was seen, and the hash of its live part there (``StateInclusion/signature``).
    let index: Int
    let signature: Int
    /// Visits of `index` before this state was kept: those after it, until it finishes, are
    /// comparisons it would have missed.
    let visitStamp: Int
    var branches = 1
    /// How often this state pruned a path, and how often it was compared in vain: a state that
    /// keeps missing is dropped (the kernel's `miss_cnt > hit_cnt * 3 + 3` rule).
    var hits = 0
    var misses = 0

    init(state: VerifierState, parent: VisitedNode?, index: Int, signature: Int, visitStamp: Int) {
        self.state = state
        self.parent = parent
        self.index = index
        self.signature = signature
        self.visitStamp = visitStamp
    }
}

/// Where unfinished states are found: instruction and signature.
struct LoopKey: Hashable {
    var index: Int
    var signature: Int
}

/// A path waiting to be explored: the state at the other side of a conditional jump.
struct PendingPath {
    var state: VerifierState
    var index: Int
    var parent: VisitedNode?
    /// The branch it was pushed at (for the log's `from 5 to 17:` line).
    var from: Int
}

/// How an instruction hands on control.
enum StepOutcome {
    case next
    case jump(to: Int)
    /// The path ends here (exit of the main program).
    case pathEnd
}

/// One verification: the walk over every path of one program (`struct bpf_verifier_env`).
final class Exploration {
    let program: Program
    let kinds: [InstructionKind]
    let type: ProgramType
    let maps: [VerifierMap]
    let options: VerifierOptions
    /// Instruction indices where functions start, sorted (index 0 first).
    let functionStarts: [Int]
    let isPrunePoint: [Bool]
    let liveness: Liveness

    var state: VerifierState
    var index = 0
    var pending: [PendingPath] = []
    /// Finished states by instruction: candidates to prune later paths.
    var visited: [[VisitedNode]]
    /// Unfinished states (the current path's ancestors) by instruction and signature: a loop
    /// of many iterations leaves as many here, so they are looked up, never scanned.
    var unfinished: [LoopKey: [VisitedNode]] = [:]
    /// Prune-point visits per instruction.
    var visitCounts: [Int]
    var currentParent: VisitedNode?
    var nextID: UInt32 = 0

    var processed = 0
    /// Jump-class instructions processed (`jmps_processed`), and both counts when a state was
    /// last kept (`prev_jmps_processed`, `prev_insn_processed`): see ``visit()``.
    var jumpsProcessed = 0
    var jumpsAtLastState = 0
    var processedAtLastState = 0
    var totalStates = 0
    /// States kept at one instruction, now and at most (`max_states_per_insn`).
    var statesAt: [Int]
    var maxStatesPerInstruction = 0
    var liveStates = 0
    var peakStates = 0
    var stackDepths: [Int: Int] = [:]
    var contextAccesses: [Int: ContextAccess] = [:]
    /// Set when some path stores into the packet or calls a helper that changes it.
    var writesPacket = false
    var log: [String] = []
    /// The Spectre mask each unprivileged pointer arithmetic instruction needs, by instruction
    /// (``PointerMask``): every path through one must need the same.
    var pointerMasks: [Int: PointerMask] = [:]
    /// Set once a pointer moved by an unknown scalar needed a mask (`explore_alu_limits`):
    /// pruning then compares scalars exactly, so that every path reaches the masked
    /// instruction with its own bounds (a narrower one needs another mask).
    var exploresALULimits = false
    /// Instructions with a Spectre v4 barrier after them (`nospec_result`): an unprivileged
    /// loader's store over stack bytes that held something else than misc or zero, or of a
    /// pointer. A speculative path ends once past one.
    var storeBarriers: [Bool]

    /// The kernel's limit on pending branches (`BPF_COMPLEXITY_LIMIT_JMP_SEQ`).
    static let pendingLimit = 8192
    /// Variable offsets beyond this are refused (`BPF_MAX_VAR_OFF`).
    static let maxVariableOffset: Int64 = 1 << 29
    /// The largest packet offset tracked (`MAX_PACKET_OFF`).
    static let maxPacketOffset: UInt64 = 0xffff

    init(program: Program, type: ProgramType, maps: [VerifierMap], options: VerifierOptions) {
        self.program = program
        self.kinds = program.instructions.map { $0.kind! }  // validated by the caller
        self.type = type
        self.maps = maps
        self.options = options
        functionStarts = program.functionStartSlots.compactMap { program.instructionIndex(atSlot: $0) }.sorted()
        var prune = Array(repeating: false, count: program.instructions.count)
        for i in program.instructions.indices {
            switch kinds[i] {
            case .jump:
                // The conditional jump itself, as the kernel's check_cfg marks it: a state that
                // covers the jump covers both ways out (half the visits of marking both targets).
                prune[i] = true
            case .jumpAlways:
                if let t = Self.target(program, i) { prune[t] = true }
            case .call:
                if i + 1 < prune.count { prune[i + 1] = true }
            default: break
            }
        }
        isPrunePoint = prune
        liveness = Liveness(program: program, kinds: kinds, functionStarts: functionStarts)
        visited = Array(repeating: [], count: program.instructions.count)
        visitCounts = Array(repeating: 0, count: program.instructions.count)
        statesAt = Array(repeating: 0, count: program.instructions.count)
        storeBarriers = Array(repeating: false, count: program.instructions.count)
        var main = FrameState(callSite: -1, functionStart: 0)
        main.registers[1] = .pointer(.context)
        main.registers[10] = .pointer(.stack(frame: 0))
        state = VerifierState(frames: [main])
    }

    /// The instruction a jump or local call at `index` goes to.
    static func target(_ program: Program, _ index: Int) -> Int? {
        program.targetSlot(ofInstruction: index).flatMap { program.instructionIndex(atSlot: $0) }
    }

    // MARK: - The walk

    func run() throws(VerificationError) {
        try checkOpcodes()
        try checkReachability()
        try walk()
        try checkStackDepths()
    }

    private func walk() throws(VerificationError) {
        while true {
            if isPrunePoint[index], try visit() {
                finishPath()
                guard popPending() else { return }
                continue
            }
            processed += 1
            if processed > options.instructionLimit {
                throw error("BPF program is too large. Processed \(processed) insn", hint: tooLargeHint())
            }
            if options.keepsLog && processed == 1 { log.append("\(program.slotIndex(ofInstruction: index)): \(stateText())") }
            let logged = index
            switch kinds[index] {
            case .jump, .jumpAlways, .call, .callRegister, .exit: jumpsProcessed += 1
            default: break
            }
            let outcome: StepOutcome
            do {
                outcome = try step()
            } catch {
                // do_check: on a speculative path the kernel fences the instruction and ends the path.
                guard state.isSpeculative, error.endsSpeculativePathOnly else { throw error }
                finishPath()
                guard popPending() else { return }
                continue
            }
            if options.keepsLog { log.append(instructionLine(logged) + "; " + touchedText(logged)) }
            if state.isSpeculative && storeBarriers[logged] {
                // The barrier after the store stops the mispredicted path (do_check's nospec_result).
                finishPath()
                guard popPending() else { return }
                continue
            }
            switch outcome {
            case .next: index += 1
            case .jump(let target): index = target
            case .pathEnd:
                finishPath()
                guard popPending() else { return }
            }
            guard index < kinds.count else {
                throw error("jump out of range from insn \(program.slotIndex(ofInstruction: index - 1)) to \(program.slotCount)")
            }
        }
    }

    /// The first check of `resolve_pseudo_ldimm64`: an opcode missing from the kernel's
    /// instruction table (`bpf_opcode_in_insntable()`, kernel/bpf/core.c) is refused before any
    /// path is walked. Of what skbpf decodes, only RFC 9669's `callx` (0x8d) is missing there.
    private func checkOpcodes() throws(VerificationError) {
        for i in kinds.indices {
            guard case .callRegister = kinds[i] else { continue }
            index = i
            let opcode = program.instructions[i].opcode
            throw error("unknown opcode \(opcode < 16 ? "0" : "")\(String(opcode, radix: 16))",
                        hint: "Linux has no call through a register (callx): call the helper by its id")
        }
    }

    /// Where the instruction budget went: the innermost loop around the current instruction, if
    /// any (the verifier walks a loop once per iteration), else the number of paths.
    private func tooLargeHint() -> String {
        var loop: (head: Int, end: Int)?
        for j in kinds.indices where j >= index {
            switch kinds[j] {
            case .jump, .jumpAlways:
                if let t = Self.target(program, j), t <= index, loop.map({ t > $0.head }) ?? true { loop = (t, j) }
            default: break
            }
        }
        guard let loop else {
            return "the program has more paths than the verifier can walk (\(options.instructionLimit) instructions): split it with tail calls or make branches join earlier"
        }
        return "the loop from insn \(program.slotIndex(ofInstruction: loop.head)) to insn \(program.slotIndex(ofInstruction: loop.end))"
            + " is walked once per iteration and its iterations exceed \(options.instructionLimit) instructions in all:"
            + " lower its bound, or give it a bound the verifier can see (a constant limit on the counter)"
    }

    /// `check_cfg`: every instruction must be reachable from the entry (through jumps, fall-through
    /// and bpf-to-bpf calls); the first one that is not is refused (`unreachable insn 2`).
    private func checkReachability() throws(VerificationError) {
        var reached = [Bool](repeating: false, count: kinds.count)
        var work = [0]
        reached[0] = true
        while let i = work.popLast() {
            var next = [Int]()
            switch kinds[i] {
            case .exit: break
            case .jumpAlways: if let t = Self.target(program, i) { next.append(t) }
            case .jump:
                next.append(i + 1)
                if let t = Self.target(program, i) { next.append(t) }
            case .call(.local):
                next.append(i + 1)
                if let t = Self.target(program, i) { next.append(t) }
            default: next.append(i + 1)
            }
            for n in next where n < kinds.count && !reached[n] {
                reached[n] = true
                work.append(n)
            }
        }
        if let first = reached.firstIndex(of: false) {
            index = first
            throw error("unreachable insn \(program.slotIndex(ofInstruction: first))",
                        hint: "no path leads to this instruction: remove it or fix the jump before it")
        }
    }

    /// `check_max_stack_depth`: along every chain of bpf-to-bpf calls, the frames' depths (each
    /// rounded up to 32 bytes, at least 32) add up to at most 512.
    private func checkStackDepths() throws(VerificationError) {
        var callees = [Int: Set<Int>]()
        for i in kinds.indices {
            guard case .call(.local) = kinds[i], let target = Self.target(program, i) else { continue }
            let caller = functionStarts.last { $0 <= i } ?? 0
            callees[caller, default: []].insert(target)
        }
        func frame(_ f: Int) -> Int { (max(stackDepths[f] ?? 0, 1) + 31) / 32 * 32 }
        var worst = (total: 0, calls: 0)
        func walk(_ f: Int, _ total: Int, _ calls: Int, _ seen: Set<Int>) {
            let sum = total + frame(f)
            if sum > worst.total { worst = (sum, calls + 1) }
            for callee in callees[f] ?? [] where !seen.contains(callee) { walk(callee, sum, calls + 1, seen.union([callee])) }
        }
        walk(0, 0, 0, [0])
        if worst.total > StackState.byteCount {
            index = 0
            throw error("combined stack size of \(worst.calls) calls is \(worst.total). Too large")
        }
    }

    /// Queues the other side of a branch.
    func push(_ other: VerifierState, at target: Int) throws(VerificationError) {
        guard pending.count < Self.pendingLimit else {
            var refusal = error("The sequence of \(pending.count) jumps is too complex.")
            refusal.endsSpeculativePathOnly = false
            throw refusal
        }
        pending.append(PendingPath(state: other, index: target, parent: currentParent, from: index))
        currentParent?.branches += 1
    }

    private func popPending() -> Bool {
        guard let next = pending.popLast() else { return false }
        state = next.state
        index = next.index
        currentParent = next.parent
        if options.keepsLog {
            log.append("from \(program.slotIndex(ofInstruction: next.from)) to \(program.slotIndex(ofInstruction: index)): \(stateText())")
        }
        return true
    }

    /// A path ended: the states it passed through have one path fewer to wait for.
    private func finishPath() {
        var node = currentParent
        while let current = node {
            current.branches -= 1
            if current.branches > 0 { break }
            retire(current)
            node = current.parent
        }
    }

    /// A state's exploration finished: it moves from the loop table to its instruction's list,
    /// charged with the comparisons it missed meanwhile (an unfinished state cannot prune).
    private func retire(_ node: VisitedNode) {
        let key = LoopKey(index: node.index, signature: node.signature)
        if var bucket = unfinished.removeValue(forKey: key) {
            bucket.removeAll { $0 === node }
            if !bucket.isEmpty { unfinished[key] = bucket }
        }
        node.misses = visitCounts[node.index] - node.visitStamp
        visited[node.index].append(node)
    }

    /// At a prune point: true if a finished state seen here includes the current one (the path
    /// ends); an unfinished equal one is an infinite loop. Otherwise the state is recorded.
    ///
    /// Unfinished states are looked up by signature, not scanned: in a loop every iteration
    /// leaves one per prune point, and scanning them all made the walk quadratic in iterations.
    private func visit() throws(VerificationError) -> Bool {
        clearSingularScalarIDs()
        let live = liveness.liveIn[index]
        let signature = StateInclusion.signature(state, liveRegisters: live)
        if let candidates = unfinished[LoopKey(index: index, signature: signature)],
           candidates.contains(where: { StateInclusion.equal($0.state, state, liveRegisters: live) }) {
            throw error("infinite loop detected at insn \(program.slotIndex(ofInstruction: index))",
                        hint: "the loop can come back here with nothing changed: make its exit condition depend on a counter the loop changes")
        }
        // Newest first, as the kernel's explored list: in a loop the state that finished last is
        // the one the next path round it most likely repeats.
        var dropped = false
        var pruned = false
        for node in visited[index].reversed() {
            if StateInclusion.includes(node.state, state, liveRegisters: live, decidingRegisters: liveness.decidesIn[index],
                                           liveSlots: liveness.liveSlots[index], exactScalars: exploresALULimits) {
                node.hits += 1
                pruned = true
                break
            }
            node.misses += 1
            if node.misses > node.hits * 3 + 3 { dropped = true }
        }
        if dropped {
            // States that keep failing to prune stop being searched (they stay alive for their
            // children's branch counts), as the kernel moves them off its explored list.
            let before = visited[index].count
            visited[index].removeAll { $0.misses > $0.hits * 3 + 3 }
            liveStates -= before - visited[index].count
            statesAt[index] -= before - visited[index].count
        }
        if pruned { return true }
        // As the kernel's is_state_visited: keep a state only when at least 2 jumps and 8
        // instructions were processed since the last one kept ("bpf progs typically have pruning
        // point every 4 instructions"). Half the states for payload_scan.o (4,607 -> 2,051), 7%
        // fewer instructions executed; every visit still searches the states kept before.
        guard jumpsProcessed - jumpsAtLastState >= 2 && processed - processedAtLastState >= 8 else { return false }
        jumpsAtLastState = jumpsProcessed
        processedAtLastState = processed
        let node = VisitedNode(state: state, parent: currentParent, index: index, signature: signature,
                               visitStamp: visitCounts[index] + 1)
        visitCounts[index] += 1
        unfinished[LoopKey(index: index, signature: signature), default: []].append(node)
        currentParent = node
        totalStates += 1
        statesAt[index] += 1
        maxStatesPerInstruction = max(maxStatesPerInstruction, statesAt[index])
        liveStates += 1
        peakStates = max(peakStates, liveStates)
        return false
    }

    /// `clear_singular_ids`: a scalar link that no other register or spill shares links nothing;
    /// dropping it keeps states that differ only by such leftovers comparable.
    private func clearSingularScalarIDs() {
        // Called at every prune point: the ids go in a stack buffer, counted by a scan (a state
        // holds a handful of links at most), so nothing is allocated.
        let capacity = state.frames.count * (11 + StackState.slotCount)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: capacity) { ids in
            var n = 0
            for frame in state.frames {
                for r in 0..<11 where frame.registers[r].isScalar && frame.registers[r].id != 0 {
                    ids[n] = frame.registers[r].baseID
                    n += 1
                }
                // Slots below the frame's depth were never written.
                for slot in 0..<min(StackState.slotCount, (frame.stack.depth + 7) / 8) {
                    if let spilled = frame.stack.slots[slot].spilled, spilled.isScalar, spilled.id != 0 {
                        ids[n] = spilled.baseID
                        n += 1
                    }
                }
            }
            guard n > 0 else { return }
            func isSingular(_ id: UInt32) -> Bool {
                var seen = 0
                for i in 0..<n where ids[i] == id {
                    seen += 1
                    if seen > 1 { return false }
                }
                return true
            }
            func clear(_ r: inout RegisterState) {
                guard r.isScalar, r.id != 0, isSingular(r.baseID) else { return }
                r.id = 0
                r.offset = 0
            }
            for f in state.frames.indices {
                for r in 0..<11 where state.frames[f].registers[r].id != 0 { clear(&state.frames[f].registers[r]) }
                for slot in 0..<min(StackState.slotCount, (state.frames[f].stack.depth + 7) / 8)
                where state.frames[f].stack.slots[slot].spilled?.id ?? 0 != 0 {
                    clear(&state.frames[f].stack.slots[slot].spilled!)
                }
            }
        }
    }

    // MARK: - Registers

    func register(_ r: Int) -> RegisterState { state.current.registers[r] }

    func setRegister(_ r: Int, _ value: RegisterState) {
        state.current.registers[r] = value
        if state.packetChange != nil { state.packetChange!.registers &= ~(1 << UInt16(r)) }
    }

    /// For a register the last packet-changing helper call turned into an unknown: how to fix
    /// its use, in the program's terms; nil otherwise.
    func stalePacketPointerHint(_ r: Int) -> String? {
        guard let change = state.packetChange, change.registers & (1 << UInt16(r)) != 0 else { return nil }
        let helper = HelperID(rawValue: change.helper).kernelName
        return "R\(r) was a packet pointer until the call to \(helper) at insn \(program.slotIndex(ofInstruction: change.instructionIndex))"
            + " changed the packet: load skb->data and skb->data_end again after the call and check the bounds again"
    }

    /// The register as a source operand: it must have been written (`R3 !read_ok`).
    func read(_ r: Int) throws(VerificationError) -> RegisterState {
        let value = register(r)
        if value.type == .notInitialized {
            throw error("R\(r) !read_ok", hint: stalePacketPointerHint(r) ?? (r >= 1 && r <= 5 && index > 0 && callBefore(index)
                        ? "R1-R5 do not survive a call: keep the value in R6-R9 (or on the stack) across it"
                        : "R\(r) is read before anything was written to it on this path"))
        }
        return value
    }

    /// The register as a destination: R10 is read-only.
    func checkWritable(_ r: Int) throws(VerificationError) {
        if r == 10 { throw error("frame pointer is read only") }
    }

    private func callBefore(_ i: Int) -> Bool {
        for j in stride(from: i - 1, through: max(0, i - 8), by: -1) {
            if case .call = kinds[j] { return true }
        }
        return false
    }

    func newID() -> UInt32 {
        nextID += 1
        return nextID
    }

    // MARK: - The log (the kernel's verbose log, level 1)

    /// `5: (2d) if r2 > r8 goto +0xb`, padded as the kernel pads it before the `; R2=…` part.
    func instructionLine(_ i: Int) -> String {
        let insn = program.instructions[i]
        let hex = String(insn.opcode, radix: 16)
        let text = if case .call(.helper) = kinds[i] { "call \(HelperID(rawValue: insn.imm32))" } else { Disassembler().text(of: insn) }
        var line = "\(program.slotIndex(ofInstruction: i)): (\(hex.count < 2 ? "0" + hex : hex)) \(text)"
        if line.count < 38 { line += String(repeating: " ", count: 38 - line.count) }
        return line
    }

    /// The registers an instruction read or wrote, as they are after it (`R2=pkt(off=14,r=14) R8=pkt_end()`).
    func touchedText(_ i: Int) -> String {
        let insn = program.instructions[i]
        var registers: UInt16 = 0
        switch kinds[i] {
        case .call, .callRegister, .packetLoad: registers = 1
        case .exit, .jumpAlways: registers = 0
        case .loadImmediate64, .alu(_, _, .immediate, _), .jump(_, _, .immediate), .store(_, .immediate), .byteSwap:
            registers = 1 << UInt16(insn.dst)
        default: registers = 1 << UInt16(insn.dst) | 1 << UInt16(insn.src)
        }
        var parts = [String]()
        for r in 0..<11 where registers & (1 << UInt16(r)) != 0 && register(r).type != .notInitialized {
            parts.append("R\(r)=\(RegisterText.describe(register(r)))")
        }
        // The stack slot a load, store or atomic went through (the kernel's scratched slots).
        var base: Int?
        switch kinds[i] {
        case .load: base = Int(insn.src)
        case .store, .atomic: base = Int(insn.dst)
        default: break
        }
        if let base, case .stack(let frame) = register(base).type, let variable = register(base).bounds.constantValue {
            let offset = Int(register(base).offset) + Int(Int64(bitPattern: variable)) + Int(insn.offset)
            if offset >= -StackState.byteCount && offset < 0, let text = Self.slotText(state.frames[frame].stack, slot: StackState.position(offset).slot) {
                parts.append(text)
            }
        }
        return parts.joined(separator: " ")
    }

    /// A stack slot as the kernel's log prints it: `fp-8=0`, `fp-24=fp0`, `fp-16=???m????` (a
    /// character a byte, from the slot's top: `?` unwritten, `m` misc, `0` zero, `r` spill), or
    /// `fp-8=????5` (a 4-byte spill under 4 unwritten bytes); nil for a slot never written.
    static func slotText(_ stack: StackState, slot: Int) -> String? {
        let contents = stack.slots[slot]
        let name = "fp-\((slot + 1) * 8)="
        func char(_ byte: Int) -> Character {
            switch contents.kind(byte) {
            case .invalid: "?"
            case .misc: "m"
            case .zero: "0"
            case .spill: "r"
            }
        }
        if let spilled = contents.spilled, contents.kind(0) == .spill {
            var prefix = ""
            var byte = 7
            while byte > 0 && contents.kind(byte) != .spill {
                prefix.append(char(byte))
                byte -= 1
            }
            return name + prefix + RegisterText.describe(spilled)
        }
        guard contents.kinds != 0 else { return nil }
        return name + String((0..<8).reversed().map(char))
    }

    /// The kernel's closing line: `processed 17 insns (limit 1000000) max_states_per_insn 0 …`.
    var statisticsLine: String {
        "processed \(processed) insns (limit \(options.instructionLimit)) max_states_per_insn \(maxStatesPerInstruction)"
            + " total_states \(totalStates) peak_states \(peakStates) mark_read 0"
    }

    // MARK: - Errors

    func error(_ message: String, hint: String? = nil) -> VerificationError {
        var failure = VerificationError(instructionIndex: index, slotIndex: program.slotIndex(ofInstruction: index),
                                        message: message, hint: hint, state: stateText())
        failure.sourceLocation = program.lineTable[index] ?? nearestLine(index)
        if options.keepsLog {
            failure.log = log + [instructionLine(index)] + message.split(separator: "\n").map(String.init) + [statisticsLine]
        }
        return failure
    }

    private func nearestLine(_ i: Int) -> SourceLocation? {
        var j = i
        let start = functionStarts.last { $0 <= i } ?? 0
        while j >= start {
            if let location = program.lineTable[j] { return location }
            j -= 1
        }
        return nil
    }

    /// The current frame's initialised registers, as the kernel's log prints them.
    func stateText() -> String {
        let frame = state.current
        var parts = [String]()
        for (r, value) in frame.registers.enumerated() where value.type != .notInitialized {
            parts.append("R\(r)=\(RegisterText.describe(value))")
        }
        for slot in 0..<min(StackState.slotCount, (frame.stack.depth + 7) / 8) {
            if let text = Self.slotText(frame.stack, slot: slot) { parts.append(text) }
        }
        return (state.depth > 0 ? "frame\(state.depth): " : "") + parts.joined(separator: " ")
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}

