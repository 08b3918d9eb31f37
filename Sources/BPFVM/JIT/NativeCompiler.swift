import BPFABI
import PacketBuffer

// Compiles a verified program's pre-decoded ops to x86-64 machine code (the kernel's
// arch/x86/net/bpf_jit_comp.c does the same from raw instructions). Only for programs the
// verifier proved safe: like the kernel's JIT, the code checks no address.
//
// Register mapping (eBPF -> x86-64), chosen as the kernel's JIT chooses it so that r1–r5 sit in
// argument registers and r6–r9 in callee-saved ones:
//
//   r0 rax   r1 rdi   r2 rsi   r3 rdx   r4 rcx   r5 r8
//   r6 rbx   r7 r13   r8 r14   r9 r15   r10 rbp (frame pointer)
//   r12 = the interpreter's register file; r9, r10, r11 = scratch
//
// The register file (16 words) is where the native code meets Swift:
//
//   slot 0…10  eBPF r0–r10 (read at entry, written around every call into Swift)
//   slot 11    RunState pointer        slot 12  native rsp at entry (unwinding from any depth)
//   slot 13    SkBuffMetadata pointer  slot 14  control block pointer
//   slot 15    executed instructions
//
// Counting as the interpreter counts, without a per-op cost: every basic block adds its length
// to slot 15 when it starts. Blocks end at jumps, calls, exits and slow ops (a slow op may end
// the program), so a block that starts always runs to its end and the count is exact.
//
// What the code does not do itself — divisions, helper calls, narrow or computed context fields,
// legacy packet loads, rare atomics — it hands to the interpreter one op at a time: it spills the
// registers, calls ``NativeRuntime`` with a two-op stub `[op, exit]`, and reloads them. One
// definition of every semantic, and the fast path stays small.
//
// Frames: the entry pushes six callee-saved registers and pads to 16 bytes; a local call pushes
// r6–r9 and r10 (40 bytes) and the return address (8), so every body runs with rsp 16-aligned
// and calls into Swift need no adjustment.

/// Compiles ops to x86-64; nil for a program it does not handle (the interpreter runs those).
struct NativeCompiler {
    static let slotState: Int32 = 11 * 8
    static let slotStackPointer: Int32 = 12 * 8
    static let slotMetadata: Int32 = 13 * 8
    static let slotControlBlock: Int32 = 14 * 8
    static let slotExecuted: Int32 = 15 * 8
    static let registerFile = X86Register.r12
    static let scratch = X86Register.r11
    static let scratch2 = X86Register.r10

    /// eBPF register -> x86-64 register.
    static let mapping: [X86Register] = [.rax, .rdi, .rsi, .rdx, .rcx, .r8, .rbx, .r13, .r14, .r15, .rbp]

    let ops: UnsafePointer<Op>
    let count: Int
    /// The stubs of slow ops, two ops each, in op order (built by the caller, see ``slowOps``).
    let stubs: UnsafePointer<Op>
    /// Index of each op's stub pair in `stubs`, or -1.
    let stubIndex: [Int]

    var emitter = X86Emitter()
    var opLabels: [Int] = []
    var doneLabel = 0
    var stoppedLabel = 0

    /// Why a program cannot be compiled, or nil if it can.
    static func unsupportedReason(_ ops: UnsafePointer<Op>, count: Int) -> String? {
        let starts = functionStarts(ops, count: count)
        for i in 0..<count {
            switch ops[i].code {
            case .callRegister: return "callx at op \(i)"
            case .callLinux where ops[i].imm == UInt64(HelperID.tailCall.rawValue):
                // A tail call leaves the native code for the interpreter, which only the main
                // function can do (its frame is the one the target replaces).
                if function(of: i, starts: starts) != 0 { return "tail call inside a subprogram at op \(i)" }
            default: break
            }
        }
        return nil
    }

    /// The ops the native code hands to the interpreter.
    static func isSlow(_ op: Op) -> Bool {
        switch op.code {
        case .div64I, .div64R, .sdiv64I, .sdiv64R, .mod64I, .mod64R, .smod64I, .smod64R,
             .div32I, .div32R, .sdiv32I, .sdiv32R, .mod32I, .mod32R, .smod32I, .smod32R:
            return true
        case .callLinux: return NativeRuntime.directHelper(op.imm) == nil
        case .callHelper:
            return true
        case .atomicFetchOr32, .atomicFetchOr64, .atomicFetchAnd32, .atomicFetchAnd64,
             .atomicFetchXor32, .atomicFetchXor64:
            return true
        case .ctxLoad: return ContextField.load(ContextOperand(packed: op.imm)) == nil
        case .ctxStore, .ctxStoreImm: return ContextField.store(ContextOperand(packed: op.imm)) == nil
        default: return false
        }
    }

    /// Legacy packet loads: inline for offsets inside the packet, handed to the interpreter
    /// otherwise (the `SKF_*` header areas, or the end of the program with 0 outside the packet).
    static func isPacketLoad(_ op: Op) -> Bool {
        switch op.code {
        case .ldAbsB, .ldAbsH, .ldAbsW, .ldIndB, .ldIndH, .ldIndW: true
        default: false
        }
    }

    /// Ops with a stub `[op, exit]` for the interpreter: the slow ones, and packet loads' slow path.
    static func needsStub(_ op: Op) -> Bool { isSlow(op) || isPacketLoad(op) }

    /// First op of every function: 0 and every local call's target, sorted.
    static func functionStarts(_ ops: UnsafePointer<Op>, count: Int) -> [Int] {
        var starts: Set<Int> = [0]
        for i in 0..<count where ops[i].code == .callLocal { starts.insert(i + 1 + Int(ops[i].offset)) }
        return starts.sorted()
    }

    static func function(of index: Int, starts: [Int]) -> Int {
        starts.last { $0 <= index } ?? 0
    }

    /// The ``NativeHelperContext`` direct helper calls receive in r9.
    let helperContext: UnsafeRawPointer

    /// eBPF registers the code keeps in x86 registers: the ones the program names (all of them
    /// when it makes local calls, whose frames save r6–r10 wholesale). Callee-saved x86 registers
    /// it never touches are neither saved nor restored, and spills and reloads around slow ops
    /// skip the others.
    let usedRegisters: [Bool]
    /// The used registers whose value at entry matters: the program may read them before writing
    /// them (the prologue loads only these).
    let entryRegisters: [Bool]
    /// Where the executed-instruction count lives during the run: r15 when the program leaves
    /// eBPF r9 unused (every translated classic program), else slot 15 of the register file.
    /// Measured on `tcp dst port 80`: adding to memory at each block cost 3 ns of a 13 ns run
    /// (each add waits for the previous one's store); a register add costs nothing visible.
    let counterRegister: X86Register?

    init(ops: UnsafePointer<Op>, count: Int, stubs: UnsafePointer<Op>, stubIndex: [Int], helperContext: UnsafeRawPointer) {
        self.helperContext = helperContext
        (usedRegisters, entryRegisters) = Self.registerUse(ops, count: count)
        counterRegister = usedRegisters[9] ? nil : .r15
        self.ops = ops
        self.count = count
        self.stubs = stubs
        self.stubIndex = stubIndex
    }

    /// The machine code: entry at offset 0, `@convention(c) (registers, state) -> status`.
    mutating func compile() -> [UInt8] {
        opLabels = (0..<count).map { _ in emitter.newLabel() }
        doneLabel = emitter.newLabel()
        stoppedLabel = emitter.newLabel()
        emitPrologue()
        let starts = Self.functionStarts(ops, count: count)
        let blockLengths = basicBlockLengths()
        for i in 0..<count {
            emitter.bind(opLabels[i])
            if blockLengths[i] > 0 {
                if let counterRegister {
                    emitter.arithmetic(.add, counterRegister, immediate: Int32(blockLengths[i]), width: .qword)
                } else {
                    emitter.arithmetic(.add, memory: Self.registerFile, Self.slotExecuted, immediate: Int32(blockLengths[i]))
                }
            }
            emit(ops[i], index: i, inSubprogram: Self.function(of: i, starts: starts) != 0)
        }
        emitEpilogue()
        return emitter.finished()!
    }

    /// For each op that starts a basic block, the number of ops in the block; 0 elsewhere.
    private func basicBlockLengths() -> [Int] {
        var isLeader = [Bool](repeating: false, count: count + 1)
        isLeader[0] = true
        for i in 0..<count {
            let op = ops[i]
            if Self.endsBlock(op) { isLeader[i + 1] = true }
            if Self.isJump(op.code) || op.code == .callLocal {
                let target = i + 1 + Int(op.offset)
                if target >= 0 && target < count { isLeader[target] = true }
            }
        }
        var lengths = [Int](repeating: 0, count: count)
        var start = 0
        for i in 1...count where isLeader[i] {
            lengths[start] = i - start
            start = i
        }
        return lengths
    }

    static func isJump(_ code: OpCode) -> Bool {
        code.rawValue >= OpCode.ja.rawValue && code.rawValue <= OpCode.jsle32R.rawValue
    }

    private static func endsBlock(_ op: Op) -> Bool {
        // A packet load may end the program: what follows it is a block, so counts stay exact.
        isJump(op.code) || op.code == .callLocal || op.code == .exit || isSlow(op) || isPacketLoad(op)
    }

    // MARK: Entry and exit

    /// Which eBPF registers `ops` names, and which of those it may read before writing them:
    /// r0, r1 and r10 always (result, context, frame); every register when it makes local calls.
    /// Entry values matter except for registers a leading run of moves writes before any read
    /// (a translated classic program's `r6 = r1; w0 = 0; w7 = 0`).
    static func registerUse(_ ops: UnsafePointer<Op>, count: Int) -> (used: [Bool], atEntry: [Bool]) {
        var used = [Bool](repeating: false, count: 11)
        used[0] = true
        used[1] = true
        used[10] = true
        for i in 0..<count {
            let op = ops[i]
            switch op.code {
            case .callLocal, .callRegister:
                return ([Bool](repeating: true, count: 11), [Bool](repeating: true, count: 11))
            case .callHelper, .callLinux:
                for r in 0...5 { used[r] = true }
            default: break
            }
            if op.dst <= 10 { used[Int(op.dst)] = true }
            if op.src <= 10 { used[Int(op.src)] = true }
        }
        var atEntry = used
        var written = [Bool](repeating: false, count: 11)
        scan: for i in 0..<count {
            let op = ops[i]
            switch op.code {
            case .mov64I, .mov32I: break
            case .mov64R, .mov32R: if !written[Int(op.src)] { break scan }
            default: break scan
            }
            if !written[Int(op.dst)] { atEntry[Int(op.dst)] = false }
            written[Int(op.dst)] = true
        }
        return (used, atEntry)
    }

    /// Context ops the code runs itself read the metadata and control block slots.
    static func readsContextSlots(_ op: Op) -> Bool {
        switch op.code {
        case .ctxLoad, .ctxLoadPacketStart, .ctxLoadPacketEnd, .ctxStore, .ctxStoreImm: !isSlow(op)
        default: false
        }
    }

    /// The callee-saved x86 registers the code writes: the register file's, the used eBPF
    /// registers', the counter's.
    private var savedRegisters: [X86Register] {
        [X86Register.rbp, .rbx, .r12, .r13, .r14, .r15].filter { register in
            register == Self.registerFile || register == counterRegister
                || Self.mapping.indices.contains { usedRegisters[$0] && Self.mapping[$0] == register }
        }
    }

    /// Bytes below the saved registers that keep rsp 16-aligned at calls into Swift.
    private var alignmentPadding: Int32 { savedRegisters.count % 2 == 0 ? 8 : 0 }

    private mutating func emitPrologue() {
        for register in savedRegisters { emitter.push(register) }
        if alignmentPadding > 0 { emitter.arithmetic(.sub, .rsp, immediate: alignmentPadding, width: .qword) }
        emitter.mov(Self.registerFile, .rdi)
        emitter.store(.rsi, Self.registerFile, Self.slotState, width: .qword)
        emitter.store(.rsp, Self.registerFile, Self.slotStackPointer, width: .qword)
        if (0..<count).contains(where: { Self.readsContextSlots(ops[$0]) }) {
            emitter.load(Self.scratch, .rsi, Int32(RunStateLayout.context), width: .qword)
            emitter.store(Self.scratch, Self.registerFile, Self.slotMetadata, width: .qword)
            emitter.load(Self.scratch, .rsi, Int32(RunStateLayout.controlBlock), width: .qword)
            emitter.store(Self.scratch, Self.registerFile, Self.slotControlBlock, width: .qword)
        }
        reloadRegisters(entryRegisters)
        loadCounter()
    }

    /// `done`: eax holds the status, slot 0 holds r0 and slot 15 the count. Unwinds whatever
    /// local calls are active.
    private mutating func emitEpilogue() {
        emitter.bind(stoppedLabel)
        emitter.arithmetic(.sub, .rax, immediate: 1, width: .dword)
        emitter.bind(doneLabel)
        emitter.load(.rsp, Self.registerFile, Self.slotStackPointer, width: .qword)
        if alignmentPadding > 0 { emitter.arithmetic(.add, .rsp, immediate: alignmentPadding, width: .qword) }
        for register in savedRegisters.reversed() { emitter.pop(register) }
        emitter.ret()
    }

    /// The counter register from slot 15 (the entry's 0, or what a slow op left there).
    private mutating func loadCounter() {
        if let counterRegister { emitter.load(counterRegister, Self.registerFile, Self.slotExecuted, width: .qword) }
    }

    /// The counter register to slot 15, where the interpreter and the Swift side read it.
    private mutating func storeCounter() {
        if let counterRegister { emitter.store(counterRegister, Self.registerFile, Self.slotExecuted, width: .qword) }
    }

    private mutating func spillRegisters() {
        for (index, register) in Self.mapping.enumerated() where usedRegisters[index] {
            emitter.store(register, Self.registerFile, Int32(index * 8), width: .qword)
        }
        storeCounter()
    }

    private mutating func reloadRegisters(_ which: [Bool]? = nil) {
        for (index, register) in Self.mapping.enumerated() where (which ?? usedRegisters)[index] {
            emitter.load(register, Self.registerFile, Int32(index * 8), width: .qword)
        }
        if which == nil { loadCounter() }
    }

    // MARK: Ops

    private static func reg(_ number: UInt8) -> X86Register { mapping[Int(number)] }

    private mutating func emit(_ op: Op, index: Int, inSubprogram: Bool) {
        if Self.isSlow(op) {
            emitSlow(index: index)
            return
        }
        let d = Self.reg(op.dst), s = Self.reg(op.src)
        switch op.code {
        // ALU64
        case .add64I: arithmetic(.add, d, op.imm, .qword)
        case .add64R: emitter.arithmetic(.add, d, s, width: .qword)
        case .sub64I: arithmetic(.sub, d, op.imm, .qword)
        case .sub64R: emitter.arithmetic(.sub, d, s, width: .qword)
        case .or64I: arithmetic(.or, d, op.imm, .qword)
        case .or64R: emitter.arithmetic(.or, d, s, width: .qword)
        case .and64I: arithmetic(.and, d, op.imm, .qword)
        case .and64R: emitter.arithmetic(.and, d, s, width: .qword)
        case .xor64I: arithmetic(.xor, d, op.imm, .qword)
        case .xor64R: emitter.arithmetic(.xor, d, s, width: .qword)
        case .mul64I: multiply(d, op.imm, .qword)
        case .mul64R: emitter.multiply(d, s, width: .qword)
        case .mov64I: emitter.mov(d, immediate: op.imm)
        case .mov64R: if d != s { emitter.mov(d, s) }
        case .neg64: emitter.negate(d, width: .qword)
        case .lsh64I: emitter.shift(.shl, d, count: UInt8(op.imm & 63), width: .qword)
        case .rsh64I: emitter.shift(.shr, d, count: UInt8(op.imm & 63), width: .qword)
        case .arsh64I: emitter.shift(.sar, d, count: UInt8(op.imm & 63), width: .qword)
        case .lsh64R: shiftByRegister(.shl, d, s, .qword)
        case .rsh64R: shiftByRegister(.shr, d, s, .qword)
        case .arsh64R: shiftByRegister(.sar, d, s, .qword)
        // ALU32: every 32-bit x86 operation zero-extends its result, as eBPF's ALU32 does.
        case .add32I: arithmetic(.add, d, op.imm, .dword)
        case .add32R: emitter.arithmetic(.add, d, s, width: .dword)
        case .sub32I: arithmetic(.sub, d, op.imm, .dword)
        case .sub32R: emitter.arithmetic(.sub, d, s, width: .dword)
        case .or32I: arithmetic(.or, d, op.imm, .dword)
        case .or32R: emitter.arithmetic(.or, d, s, width: .dword)
        case .and32I: arithmetic(.and, d, op.imm, .dword)
        case .and32R: emitter.arithmetic(.and, d, s, width: .dword)
        case .xor32I: arithmetic(.xor, d, op.imm, .dword)
        case .xor32R: emitter.arithmetic(.xor, d, s, width: .dword)
        case .mul32I: multiply(d, op.imm, .dword)
        case .mul32R: emitter.multiply(d, s, width: .dword)
        case .mov32I: emitter.mov(d, immediate: UInt64(UInt32(truncatingIfNeeded: op.imm)))
        case .mov32R: emitter.mov(d, s, width: .dword)
        case .neg32: emitter.negate(d, width: .dword)
        case .lsh32I: emitter.shift(.shl, d, count: UInt8(op.imm & 31), width: .dword)
        case .rsh32I: emitter.shift(.shr, d, count: UInt8(op.imm & 31), width: .dword)
        case .arsh32I: emitter.shift(.sar, d, count: UInt8(op.imm & 31), width: .dword)
        case .lsh32R: shiftByRegister(.shl, d, s, .dword)
        case .rsh32R: shiftByRegister(.shr, d, s, .dword)
        case .arsh32R: shiftByRegister(.sar, d, s, .dword)
        case .movsx8to64: emitter.extend(d, s, from: .byte, signed: true, to: .qword)
        case .movsx16to64: emitter.extend(d, s, from: .word, signed: true, to: .qword)
        case .movsx32to64: emitter.extend(d, s, from: .dword, signed: true, to: .qword)
        case .movsx8to32: emitter.extend(d, s, from: .byte, signed: true, to: .dword)
        case .movsx16to32: emitter.extend(d, s, from: .word, signed: true, to: .dword)
        case .truncate16: emitter.extend(d, d, from: .word, signed: false, to: .dword)
        case .truncate32: emitter.mov(d, d, width: .dword)
        case .swap16:
            emitter.shift(.ror, d, count: 8, width: .word)
            emitter.extend(d, d, from: .word, signed: false, to: .dword)
        case .swap32: emitter.byteSwap(d, width: .dword)
        case .swap64: emitter.byteSwap(d, width: .qword)
        case .nop: break
        // Jumps
        case .ja: emitter.jump(to: target(index, op))
        case .jeq64I, .jeq64R, .jgt64I, .jgt64R, .jge64I, .jge64R, .jset64I, .jset64R, .jne64I, .jne64R,
             .jsgt64I, .jsgt64R, .jsge64I, .jsge64R, .jlt64I, .jlt64R, .jle64I, .jle64R, .jslt64I, .jslt64R,
             .jsle64I, .jsle64R:
            conditionalJump(op, index: index, width: .qword)
        case .jeq32I, .jeq32R, .jgt32I, .jgt32R, .jge32I, .jge32R, .jset32I, .jset32R, .jne32I, .jne32R,
             .jsgt32I, .jsgt32R, .jsge32I, .jsge32R, .jlt32I, .jlt32R, .jle32I, .jle32R, .jslt32I, .jslt32R,
             .jsle32I, .jsle32R:
            conditionalJump(op, index: index, width: .dword)
        // Calls
        case .callLinux:
            // A direct helper: r1–r5 are already the C arguments; r1–r5 are dead after a call (the
            // verifier makes them unreadable), r6–r10 live in callee-saved registers.
            emitter.mov(.r9, immediate: UInt64(UInt(bitPattern: helperContext)))
            emitter.mov(.r11, immediate: UInt64(UInt(bitPattern: NativeRuntime.directHelper(op.imm)!)))
            emitter.call(register: .r11)
        case .callLocal:
            for register in [X86Register.rbx, .r13, .r14, .r15, .rbp] { emitter.push(register) }
            emitter.arithmetic(.sub, .rbp, immediate: Int32(Interpreter.stackFrameSize), width: .qword)
            emitter.call(target(index, op))
            for register in [X86Register.rbp, .r15, .r14, .r13, .rbx] { emitter.pop(register) }
        case .exit:
            if inSubprogram {
                emitter.ret()
            } else {
                emitter.store(.rax, Self.registerFile, 0, width: .qword)
                storeCounter()
                emitter.mov(.rax, immediate: 0)  // RunStatus.returned
                emitter.jump(to: doneLabel)
            }
        // Memory
        case .ldxb, .ldxbStack: emitter.load(d, base(op, s), op.offset, width: .byte)
        case .ldxh, .ldxhStack: emitter.load(d, base(op, s), op.offset, width: .word)
        case .ldxw, .ldxwStack: emitter.load(d, base(op, s), op.offset, width: .dword)
        case .ldxdw, .ldxdwStack: emitter.load(d, base(op, s), op.offset, width: .qword)
        case .ldxsb: emitter.load(d, s, op.offset, width: .byte, signed: true)
        case .ldxsh: emitter.load(d, s, op.offset, width: .word, signed: true)
        case .ldxsw: emitter.load(d, s, op.offset, width: .dword, signed: true)
        case .stb, .stbStack: emitter.store(immediate: Int32(truncatingIfNeeded: op.imm), base(op, d), op.offset, width: .byte)
        case .sth, .sthStack: emitter.store(immediate: Int32(truncatingIfNeeded: op.imm), base(op, d), op.offset, width: .word)
        case .stw, .stwStack: emitter.store(immediate: Int32(truncatingIfNeeded: op.imm), base(op, d), op.offset, width: .dword)
        case .stdw, .stdwStack:
            if let small = Int32(exactly: Int64(bitPattern: op.imm)) {
                emitter.store(immediate: small, base(op, d), op.offset, width: .qword)
            } else {
                emitter.mov(Self.scratch, immediate: op.imm)
                emitter.store(Self.scratch, base(op, d), op.offset, width: .qword)
            }
        case .stxb, .stxbStack: emitter.store(s, base(op, d), op.offset, width: .byte)
        case .stxh, .stxhStack: emitter.store(s, base(op, d), op.offset, width: .word)
        case .stxw, .stxwStack: emitter.store(s, base(op, d), op.offset, width: .dword)
        case .stxdw, .stxdwStack: emitter.store(s, base(op, d), op.offset, width: .qword)
        // Atomics (the fetching or/and/xor forms are slow ops)
        case .atomicAdd32: emitter.lockedArithmetic(.add, d, op.offset, s, width: .dword)
        case .atomicAdd64: emitter.lockedArithmetic(.add, d, op.offset, s, width: .qword)
        case .atomicOr32: emitter.lockedArithmetic(.or, d, op.offset, s, width: .dword)
        case .atomicOr64: emitter.lockedArithmetic(.or, d, op.offset, s, width: .qword)
        case .atomicAnd32: emitter.lockedArithmetic(.and, d, op.offset, s, width: .dword)
        case .atomicAnd64: emitter.lockedArithmetic(.and, d, op.offset, s, width: .qword)
        case .atomicXor32: emitter.lockedArithmetic(.xor, d, op.offset, s, width: .dword)
        case .atomicXor64: emitter.lockedArithmetic(.xor, d, op.offset, s, width: .qword)
        case .atomicFetchAdd32: emitter.lockedExchangeAdd(d, op.offset, s, width: .dword)
        case .atomicFetchAdd64: emitter.lockedExchangeAdd(d, op.offset, s, width: .qword)
        case .atomicXchg32: emitter.exchange(d, op.offset, s, width: .dword)
        case .atomicXchg64: emitter.exchange(d, op.offset, s, width: .qword)
        case .atomicCmpxchg32:
            emitter.lockedCompareExchange(d, op.offset, s, width: .dword)
            emitter.mov(.rax, .rax, width: .dword)  // a successful 32-bit cmpxchg leaves rax's upper half
        case .atomicCmpxchg64: emitter.lockedCompareExchange(d, op.offset, s, width: .qword)
        // Legacy packet loads
        case .ldAbsB, .ldAbsH, .ldAbsW, .ldIndB, .ldIndH, .ldIndW: emitPacketLoad(op, index: index)
        // Context
        case .ctxLoadPacketStart: packetPointer(d, offset: SkBuffMetadataLayout.dataOffset)
        case .ctxLoadPacketEnd: packetPointer(d, offset: SkBuffMetadataLayout.tailOffset)
        case .ctxLoad: emitContextLoad(d, ContextField.load(ContextOperand(packed: op.imm))!)
        case .ctxStore: emitContextStore(.register(s), ContextField.store(ContextOperand(packed: op.imm))!)
        case .ctxStoreImm: emitContextStore(.immediate(op.offset), ContextField.store(ContextOperand(packed: op.imm))!)
        default:
            preconditionFailure("op \(op.code) reached the native compiler's fast path")
        }
    }

    private func target(_ index: Int, _ op: Op) -> Int { opLabels[index + 1 + Int(op.offset)] }

    /// The base register of a memory op: r10 for the proven-in-frame stack forms.
    private func base(_ op: Op, _ register: X86Register) -> X86Register {
        switch op.code {
        case .ldxbStack, .ldxhStack, .ldxwStack, .ldxdwStack, .stbStack, .sthStack, .stwStack, .stdwStack,
             .stxbStack, .stxhStack, .stxwStack, .stxdwStack:
            .rbp
        default: register
        }
    }

    /// `op dst, imm` with the immediate inline when it fits 32 bits (64-bit ops sign-extend it).
    private mutating func arithmetic(_ op: X86Arithmetic, _ dst: X86Register, _ imm: UInt64, _ width: X86Width) {
        if width == .dword {
            emitter.arithmetic(op, dst, immediate: Int32(truncatingIfNeeded: imm), width: .dword)
        } else if let small = Int32(exactly: Int64(bitPattern: imm)) {
            emitter.arithmetic(op, dst, immediate: small, width: .qword)
        } else {
            emitter.mov(Self.scratch, immediate: imm)
            emitter.arithmetic(op, dst, Self.scratch, width: .qword)
        }
    }

    private mutating func multiply(_ dst: X86Register, _ imm: UInt64, _ width: X86Width) {
        if width == .dword {
            emitter.multiply(dst, immediate: Int32(truncatingIfNeeded: imm), width: .dword)
        } else if let small = Int32(exactly: Int64(bitPattern: imm)) {
            emitter.multiply(dst, immediate: small, width: .qword)
        } else {
            emitter.mov(Self.scratch, immediate: imm)
            emitter.multiply(dst, Self.scratch, width: .qword)
        }
    }

    /// Shift by a register: x86 takes the count in cl, which is eBPF's r4; the CPU's masking
    /// (63, or 31 for 32 bits) is eBPF's.
    private mutating func shiftByRegister(_ kind: X86Shift, _ dst: X86Register, _ src: X86Register, _ width: X86Width) {
        if dst == .rcx {
            emitter.mov(Self.scratch, .rcx)
            emitter.mov(.rcx, src)
            emitter.shiftByCL(kind, Self.scratch, width: width)
            emitter.mov(.rcx, Self.scratch)
        } else {
            emitter.mov(Self.scratch, .rcx)
            if src != .rcx { emitter.mov(.rcx, src) }
            emitter.shiftByCL(kind, dst, width: width)
            emitter.mov(.rcx, Self.scratch)
        }
    }

    private mutating func conditionalJump(_ op: Op, index: Int, width: X86Width) {
        let d = Self.reg(op.dst), s = Self.reg(op.src)
        let isImmediate: Bool
        let condition: X86Condition
        var isTest = false
        switch op.code {
        case .jeq64I, .jeq32I: (isImmediate, condition) = (true, .equal)
        case .jeq64R, .jeq32R: (isImmediate, condition) = (false, .equal)
        case .jne64I, .jne32I: (isImmediate, condition) = (true, .notEqual)
        case .jne64R, .jne32R: (isImmediate, condition) = (false, .notEqual)
        case .jgt64I, .jgt32I: (isImmediate, condition) = (true, .above)
        case .jgt64R, .jgt32R: (isImmediate, condition) = (false, .above)
        case .jge64I, .jge32I: (isImmediate, condition) = (true, .aboveOrEqual)
        case .jge64R, .jge32R: (isImmediate, condition) = (false, .aboveOrEqual)
        case .jlt64I, .jlt32I: (isImmediate, condition) = (true, .below)
        case .jlt64R, .jlt32R: (isImmediate, condition) = (false, .below)
        case .jle64I, .jle32I: (isImmediate, condition) = (true, .belowOrEqual)
        case .jle64R, .jle32R: (isImmediate, condition) = (false, .belowOrEqual)
        case .jsgt64I, .jsgt32I: (isImmediate, condition) = (true, .greater)
        case .jsgt64R, .jsgt32R: (isImmediate, condition) = (false, .greater)
        case .jsge64I, .jsge32I: (isImmediate, condition) = (true, .greaterOrEqual)
        case .jsge64R, .jsge32R: (isImmediate, condition) = (false, .greaterOrEqual)
        case .jslt64I, .jslt32I: (isImmediate, condition) = (true, .less)
        case .jslt64R, .jslt32R: (isImmediate, condition) = (false, .less)
        case .jsle64I, .jsle32I: (isImmediate, condition) = (true, .lessOrEqual)
        case .jsle64R, .jsle32R: (isImmediate, condition) = (false, .lessOrEqual)
        case .jset64I, .jset32I: (isImmediate, condition, isTest) = (true, .notEqual, true)
        default: (isImmediate, condition, isTest) = (false, .notEqual, true)  // jset, register
        }
        if isImmediate {
            // eBPF jump immediates are 32 bits, sign-extended for the 64-bit forms.
            let imm = Int32(truncatingIfNeeded: op.imm)
            if isTest {
                emitter.test(d, immediate: imm, width: width)
            } else if imm == 0 && (condition == .equal || condition == .notEqual) {
                emitter.test(d, d, width: width)
            } else {
                emitter.arithmetic(.cmp, d, immediate: imm, width: width)
            }
        } else if isTest {
            emitter.test(d, s, width: width)
        } else {
            emitter.arithmetic(.cmp, d, s, width: width)
        }
        emitter.jump(if: condition, to: target(index, op))
    }

    /// LD_ABS/LD_IND: rax = the big-endian value at `imm (+ src)` when it lies inside the packet
    /// (the run's `packetStart`/`packetLength`); a negative offset (`SKF_*` areas) or one past the
    /// end goes to the interpreter's op, which reads the area or ends the program with 0.
    ///
    ///     mov r11, [r12 + state]              (indirect: r10d = src + imm; js slow)
    ///     cmp [r11 + length], imm + size      (indirect: r9 = length - r10; cmp r9, size)
    ///     jb slow
    ///     mov r11, [r11 + start]
    ///     movzx eax, [r11 + imm]; swap
    private mutating func emitPacketLoad(_ op: Op, index: Int) {
        let (size, width): (Int32, X86Width) = switch op.code {
        case .ldAbsB, .ldIndB: (1, .byte)
        case .ldAbsH, .ldIndH: (2, .word)
        default: (4, .dword)
        }
        let isIndirect = op.code == .ldIndB || op.code == .ldIndH || op.code == .ldIndW
        let k = Int32(truncatingIfNeeded: op.imm)
        guard isIndirect || (k >= 0 && Int64(k) + Int64(size) <= Int64(Int32.max)) else {
            emitSlow(index: index)  // an SKF_* area, or past any packet
            return
        }
        let slow = emitter.newLabel(), done = emitter.newLabel()
        if isIndirect {
            // The kernel adds as signed 32-bit numbers: a negative sum is an SKF_* area.
            emitter.mov(.r10, Self.reg(op.src), width: .dword)
            if k != 0 {
                emitter.arithmetic(.add, .r10, immediate: k, width: .dword)
            } else {
                emitter.test(.r10, .r10, width: .dword)
            }
            emitter.jump(if: .sign, to: slow)
            emitter.load(Self.scratch, Self.registerFile, Self.slotState, width: .qword)
            emitter.load(.r9, Self.scratch, Int32(RunStateLayout.packetLength), width: .qword)
            emitter.arithmetic(.sub, .r9, .r10, width: .qword)
            emitter.arithmetic(.cmp, .r9, immediate: size, width: .qword)
            emitter.jump(if: .less, to: slow)
            emitter.load(Self.scratch, Self.scratch, Int32(RunStateLayout.packetStart), width: .qword)
            emitter.arithmetic(.add, Self.scratch, .r10, width: .qword)
            emitter.load(.rax, Self.scratch, 0, width: width)
        } else {
            emitter.load(Self.scratch, Self.registerFile, Self.slotState, width: .qword)
            emitter.arithmetic(.cmp, memory: Self.scratch, Int32(RunStateLayout.packetLength), immediate: k + size)
            emitter.jump(if: .below, to: slow)
            emitter.load(Self.scratch, Self.scratch, Int32(RunStateLayout.packetStart), width: .qword)
            emitter.load(.rax, Self.scratch, k, width: width)
        }
        switch size {
        case 2:
            emitter.shift(.ror, .rax, count: 8, width: .word)
            emitter.extend(.rax, .rax, from: .word, signed: false, to: .dword)
        case 4: emitter.byteSwap(.rax, width: .dword)
        default: break
        }
        emitter.jump(to: done)
        emitter.bind(slow)
        emitSlow(index: index)
        emitter.bind(done)
    }

    /// `dst = head + data/tail offset` from the run's metadata.
    private mutating func packetPointer(_ dst: X86Register, offset: Int) {
        emitter.load(Self.scratch, Self.registerFile, Self.slotMetadata, width: .qword)
        emitter.load(dst, Self.scratch, Int32(SkBuffMetadataLayout.head), width: .qword)
        emitter.arithmetic(.add, dst, memory: Self.scratch, Int32(offset))
    }

    private mutating func emitContextLoad(_ dst: X86Register, _ field: ContextField.Location) {
        let slot = field.inControlBlock ? Self.slotControlBlock : Self.slotMetadata
        emitter.load(Self.scratch, Self.registerFile, slot, width: .qword)
        switch field.kind {
        case .plain(let width):
            emitter.load(dst, Self.scratch, Int32(field.offset), width: width)
        case .length:
            emitter.load(dst, Self.scratch, Int32(SkBuffMetadataLayout.tailOffset), width: .qword)
            emitter.arithmetic(.sub, dst, memory: Self.scratch, Int32(SkBuffMetadataLayout.dataOffset))
            emitter.mov(dst, dst, width: .dword)
        }
    }

    enum StoredValue {
        case register(X86Register)
        case immediate(Int32)
    }

    private mutating func emitContextStore(_ value: StoredValue, _ field: ContextField.Location) {
        guard case .plain(let width) = field.kind else { preconditionFailure("only plain fields are stored inline") }
        let slot = field.inControlBlock ? Self.slotControlBlock : Self.slotMetadata
        emitter.load(Self.scratch, Self.registerFile, slot, width: .qword)
        switch value {
        case .register(let register): emitter.store(register, Self.scratch, Int32(field.offset), width: width)
        case .immediate(let imm): emitter.store(immediate: imm, Self.scratch, Int32(field.offset), width: width)
        }
    }

    /// Hands op `index` to the interpreter (see the file comment); a non-zero answer ends the run.
    private mutating func emitSlow(index: Int) {
        spillRegisters()
        emitter.mov(.rdi, Self.registerFile)
        emitter.load(.rsi, Self.registerFile, Self.slotState, width: .qword)
        emitter.mov(.rdx, immediate: UInt64(UInt(bitPattern: stubs + stubIndex[index])))
        emitter.mov(.rcx, immediate: UInt64(index))
        emitter.mov(.rax, immediate: UInt64(UInt(bitPattern: NativeRuntime.slowOperationAddress)))
        emitter.call(register: .rax)
        emitter.test(.rax, .rax, width: .dword)
        emitter.jump(if: .notEqual, to: stoppedLabel)
        reloadRegisters()
    }
}
