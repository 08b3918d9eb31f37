public import BPFISA
import BPFABI
import PacketBuffer

/// Runs an ``ExecutableProgram``: owns the register file, the stack and the call frames, reused
/// from run to run so that a run allocates nothing. Not thread-safe: one interpreter per worker.
///
/// ```
///   stack (8 frames × 512 bytes, grows down)        frame k's r10 = stackTop - 512·k
///   +-----------+-----------+-- ... --+-----------+
///   | frame 7   | frame 6   |         | frame 0   |
///   +-----------+-----------+-- ... --+-----------+
///   stackBase                         stackTop - 512    stackTop
/// ```
/// Checked mode allows loads and stores only inside the active frames and the run's regions;
/// unchecked mode (for programs a verifier proved safe) trusts every address.
public final class Interpreter {
    /// Bytes of stack per frame (RFC 9669 / Linux `MAX_BPF_STACK`).
    public static let stackFrameSize = 512
    /// Frames of bpf-to-bpf calls, the main program included (Linux `MAX_CALL_FRAMES`).
    public static let maximumCallDepth = 8
    /// Default instruction budget of a checked run: 10^9, about a second and a half of a program
    /// that never ends (the kernel's verifier stops exploring at 10^6 instructions).
    public static let defaultInstructionBudget = 1_000_000_000

    public let program: ExecutableProgram
    /// True when runs execute machine code (``Engine/native`` and the program qualified).
    public var isNative: Bool { native != nil }
    /// Executed instructions after which a checked run traps; checked at backward jumps and calls.
    /// (A `let`: a stored `var` of a class costs a dynamic exclusivity check on every run.)
    public let instructionBudget: Int

    let registers: UnsafeMutablePointer<UInt64>
    /// The program's ops and helper table, copied into raw memory so a run retains nothing.
    let ops: UnsafeMutablePointer<Op>
    let helpers: UnsafeMutablePointer<HelperFunction>
    let stack: UnsafeMutableRawPointer
    let frames: UnsafeMutablePointer<CallFrame>
    /// Region 0 is the run's data (memory or packet); after it, the value memory of every map of
    /// the environment (``mapRegionCount`` of them), fixed when the interpreter is made.
    let regions: UnsafeMutablePointer<MemoryRegion>
    static let maximumRegions = 2 + MapSet.capacity
    let mapRegionCount: Int
    /// Maps, tail-call targets, clone devices, trace sink: what Linux helpers reach.
    public let environment: HelperEnvironment
    /// What r1 points at in a context run: 192 zero bytes standing for `struct __sk_buff`. Context
    /// accesses never read it (they become context ops). It is no region: in checked mode a plain load
    /// through it traps, unchecked it reads zeros; helpers recognise the context by this address.
    let contextBlock: UnsafeMutableRawPointer
    /// The context of runs without one: context ops never execute then, but the state stays non-optional.
    let placeholderContext = SkBuff(capacity: 0)
    /// Its metadata and control block as raw pointers, taken once: a run then touches no reference
    /// count (an `SkBuff` reference per run costs a retain/release pair, ~90 instructions a run).
    let placeholderMetadata: UnsafeMutablePointer<SkBuffMetadata>
    let placeholderControlBlock: UnsafeMutableRawPointer
    /// A copy of a captured packet's metadata whose `len` is its length on the wire
    /// (``run(context:wireLength:)``), so the buffer itself is never changed for it.
    let wireLengthMetadata: UnsafeMutablePointer<SkBuffMetadata>
    /// A buffer that views the packet of ``run(packet:wireLength:)`` in place (its own empty
    /// storage is put back after each run), and the context metadata of that run.
    let packetView = SkBuff(capacity: 0)
    let packetViewStorage: UnsafeMutableRawPointer
    let packetViewContext: UnsafeMutablePointer<SkBuffMetadata>
    /// What the last faulting helper said (kept here so the loop's state stays trivial).
    var faultMessage = ""
    /// The loop's state, built once: a run rewrites only what changes between runs (measured: a
    /// fresh `RunState` per run cost about 40 of the ~600 instructions of a 28-op packet run).
    let state: UnsafeMutablePointer<RunState>
    let isChecked: Bool
    /// Whether the program may write packet bytes directly (tc programs; not socket filters).
    let packetIsWritable: Bool
    /// One past the top of frame 0: r10 at entry.
    let stackTop: UInt64
    /// The program as x86-64 machine code, when ``Engine/native`` was asked for and the program
    /// qualifies (see ``Engine``).
    let native: NativeCode?
    /// Its entry point, a plain function pointer: calling through it costs no reference count
    /// (binding `native` to call it retained and released the code object on every run).
    let nativeEntry: NativeCode.Entry?
    /// Whether the program is a socket filter (read-only packet): ``run(packet:wireLength:)``.
    let isSocketFilter: Bool
    /// Whether any op reads or writes the context, or calls a helper (which may read the
    /// packet's buffer): ``run(packet:wireLength:)`` fills the views only for those.
    let readsContext: Bool
    let callsHelpers: Bool
    /// Verified machine code of a socket filter that reads no context field and calls no helper
    /// (most translated classic filters): ``run(packet:wireLength:)`` takes its shortest path.
    let isPlainNativeFilter: Bool

    /// How an interpreter runs its program.
    public enum Engine: Sendable {
        /// The pre-decoded op loop (both modes).
        case interpreter
        /// Machine code compiled from the ops (x86-64 only), for unchecked programs: a verified
        /// program runs as the kernel's JIT runs it, with no checks. Falls back to the op loop for
        /// checked programs, other machines, and the rare program the compiler declines (callx, a
        /// tail call inside a subprogram). Native runs count executed instructions as the op loop does.
        case native
    }

    /// An interpreter for `program`, with `environment`'s maps and tail-call targets (an empty
    /// environment when nil). A program translated with a map set needs an environment holding
    /// that set; maps added to the set later are not visible to checked runs.
    public init(program: ExecutableProgram, environment: HelperEnvironment? = nil,
                instructionBudget: Int = Interpreter.defaultInstructionBudget, engine: Engine = .interpreter) {
        let environment = environment ?? HelperEnvironment()
        precondition(program.mapSetIdentity == nil || program.mapSetIdentity == ObjectIdentifier(environment.maps),
                     "the program was translated against another map set than the environment's")
        self.program = program
        self.environment = environment
        self.instructionBudget = instructionBudget
        registers = .allocate(capacity: 16)
        registers.initialize(repeating: 0, count: 16)
        let stackBytes = Self.stackFrameSize * Self.maximumCallDepth
        stack = .allocate(byteCount: stackBytes, alignment: 16)
        stack.initializeMemory(as: UInt8.self, repeating: 0, count: stackBytes)
        frames = .allocate(capacity: Self.maximumCallDepth)
        regions = .allocate(capacity: Self.maximumRegions)
        var mapRegions = 0
        for map in environment.maps.maps {
            guard let memory = map.valueMemory, let base = memory.baseAddress, mapRegions + 1 < Self.maximumRegions else { continue }
            mapRegions += 1
            regions[mapRegions] = MemoryRegion(start: base, byteCount: memory.count, isWritable: map.isProgramWritable,
                                               name: "map value")
        }
        mapRegionCount = mapRegions
        ops = .allocate(capacity: max(program.ops.count, 1))
        ops.initialize(from: program.ops, count: program.ops.count)
        helpers = .allocate(capacity: max(program.helperTable.count, 1))
        helpers.initialize(from: program.helperTable, count: program.helperTable.count)
        placeholderMetadata = placeholderContext.metadata
        placeholderControlBlock = placeholderContext.controlBlock
        wireLengthMetadata = .allocate(capacity: 1)
        wireLengthMetadata.initialize(to: placeholderContext.metadata.pointee)
        packetViewStorage = packetView.head
        packetView.resetMacHeader()  // the link-layer header starts the packet (SKF_LL_OFF)
        packetViewContext = .allocate(capacity: 1)
        packetViewContext.initialize(to: packetView.metadata.pointee)
        contextBlock = .allocate(byteCount: SkBuffContext.byteCount, alignment: 16)
        contextBlock.initializeMemory(as: UInt8.self, repeating: 0, count: SkBuffContext.byteCount)
        isChecked = program.mode == .checked
        packetIsWritable = program.programType.map(\.isTrafficControl) ?? true
        stackTop = UInt64(UInt(bitPattern: stack)) + UInt64(stackBytes)
        native = engine == .native && program.mode == .unchecked ? NativeCode(ops: ops, count: program.ops.count, environment: environment) : nil
        nativeEntry = native?.entry
        isSocketFilter = program.programType == .socketFilter
        readsContext = program.ops.contains { [.ctxLoad, .ctxLoadPacketStart, .ctxLoadPacketEnd, .ctxStore, .ctxStoreImm].contains($0.code) }
        callsHelpers = program.ops.contains { [.callHelper, .callLinux, .callRegister].contains($0.code) }
        isPlainNativeFilter = nativeEntry != nil && program.isVerified && isSocketFilter && !readsContext && !callsHelpers
        state = .allocate(capacity: 1)
        state.initialize(to: RunState(
            checker: MemoryChecker(isChecked: isChecked, stackLow: stackTop - UInt64(Self.stackFrameSize),
                                   stackTop: stackTop, regions: regions, regionCount: 0),
            packetStart: 0, packetLength: 0, budget: isChecked ? instructionBudget : Int.max,
            frames: frames, helpers: helpers, context: placeholderMetadata,
            controlBlock: placeholderControlBlock, owner: self, skb: placeholderContext,
            contextAddress: UInt64(UInt(bitPattern: contextBlock)), placeholderKey: contextBlock, faultOps: ops))
    }

    deinit {
        registers.deallocate()
        stack.deallocate()
        frames.deallocate()
        regions.deallocate()
        ops.deallocate()
        helpers.deinitialize(count: program.helperTable.count)
        helpers.deallocate()
        contextBlock.deallocate()
        wireLengthMetadata.deinitialize(count: 1)
        wireLengthMetadata.deallocate()
        packetViewContext.deinitialize(count: 1)
        packetViewContext.deallocate()
        packetView.metadata.pointee.head = packetViewStorage  // its own storage, for its deinit
        packetView.metadata.pointee.capacity = 0
        packetView.metadata.pointee.tailOffset = 0
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Runs the program on a block of memory: r1 = its address (0 when empty), r2 = its length.
    /// The block is the run's one data region (writable), and the packet of legacy packet loads.
    public func run(memory: UnsafeMutableRawBufferPointer) throws(Trap) -> RunResult {
        var address: UInt64 = 0
        var packet: UnsafeRawBufferPointer?
        if let base = memory.baseAddress, memory.count > 0 {
            regions[0] = MemoryRegion(start: base, byteCount: memory.count, isWritable: true, name: "memory")
            address = UInt64(UInt(bitPattern: base))
            packet = UnsafeRawBufferPointer(start: base, count: memory.count)
        } else {
            regions[0] = MemoryRegion(start: contextBlock, byteCount: 0, isWritable: false, name: "memory")
        }
        return try run(arguments: (address, UInt64(memory.count)), regions: 1 + mapRegionCount, packet: packet)
    }

    /// Runs with r1/r2 given and the first `regionCount` entries of ``regions`` as the data regions.
    /// `context`/`controlBlock` are the packet buffer's, for context ops (the placeholder's when the
    /// run has none); the caller keeps that buffer alive for the run.
    func run(arguments: (UInt64, UInt64), regions regionCount: Int, packet: UnsafeRawBufferPointer?,
             context: UnsafeMutablePointer<SkBuffMetadata>? = nil,
             controlBlock: UnsafeMutableRawPointer? = nil, skb: SkBuff? = nil) throws(Trap) -> RunResult {
        // r0–r9 start at zero so a run never sees the previous run's values (r11–r15 do not exist).
        let r = registers
        r.update(repeating: 0, count: 10)
        r[1] = arguments.0
        r[2] = arguments.1
        r[10] = stackTop
        let s = state
        // Only checked runs consult the regions (an unchecked run's helpers are permitted everything).
        if isChecked { s.pointee.checker.begin(regionCount: regionCount) }
        s.pointee.packetStart = packet?.baseAddress.map { UInt64(UInt(bitPattern: $0)) } ?? 0
        s.pointee.packetLength = UInt64(packet?.count ?? 0)
        s.pointee.context = context ?? placeholderMetadata
        s.pointee.controlBlock = controlBlock ?? placeholderControlBlock
        s.pointee.depth = 0
        // Stored as an unowned(unsafe) reference: no reference count either way.
        if let skb { s.pointee.skb = skb } else { s.pointee.skb = placeholderContext }
        s.pointee.redirect = nil
        s.pointee.tailCalls = 0
        let status: RunStatus
        if let nativeEntry {
            r[15] = 0  // the native code's instruction count (NativeCompiler.slotExecuted)
            let code = UInt8(truncatingIfNeeded: nativeEntry(r, UnsafeMutableRawPointer(s)))
            status = code == RunStatus.returned.rawValue ? .returned : RunStatus(rawValue: code) ?? .helperFault
            s.pointee.executed = Int(truncatingIfNeeded: r[15])
        } else {
            status = isChecked ? Self.runChecked(ops, r, &s.pointee) : Self.runUnchecked(ops, r, &s.pointee)
        }
        if status != .returned { throw trap(status, s.pointee) }
        return RunResult(returnValue: r[0], instructionsExecuted: s.pointee.executed)
    }

    /// Builds the trap of a run that stopped with `status`. The loop records only where it stopped:
    /// a faulting op changed nothing, so its operands are still in the registers.
    @inline(never)
    func trap(_ status: RunStatus, _ state: RunState) -> Trap {
        let index = state.faultOp
        let op = state.faultOps[index]
        // The op may be in a program a tail call entered.
        let faulting = state.faultOps == UnsafePointer(ops) ? program : environment.target(startingAt: state.faultOps) ?? program
        let slot = index < faulting.slotOfOp.count ? faulting.slotOfOp[index] : -1
        let kind: Trap.Kind = switch status {
        case .returned, .outOfBounds:
            Self.faultingAccess(op, registers, regions: regionDescriptions(state))
        case .budgetExhausted: .instructionBudgetExhausted(limit: instructionBudget)
        case .callDepthExceeded: .callDepthExceeded(limit: Self.maximumCallDepth)
        case .unknownHelper: .unknownHelper(id: registers[Int(op.dst)])
        case .helperFault:
            .helperFailed(name: helperName(op), reason: faultMessage)
        }
        return Trap(slotIndex: slot, kind: kind)
    }

    /// The helper a call op called (for a trap message).
    private func helperName(_ op: Op) -> String {
        switch op.code {
        case .callHelper: helpers[Int(op.imm)].name
        case .callLinux: HelperID(rawValue: Int32(truncatingIfNeeded: op.imm)).kernelName
        default: program.registry[Int32(truncatingIfNeeded: registers[Int(op.dst)])]?.name ?? "?"
        }
    }

    /// The access a load, store or atomic op attempted: loads address `src + offset`, stores and
    /// atomics `dst + offset`.
    private static func faultingAccess(_ op: Op, _ r: UnsafeMutablePointer<UInt64>,
                                       regions: [MemoryRegion.Description]) -> Trap.Kind {
        let (isLoad, size) = switch op.code {
        case .ldxb, .ldxh, .ldxw, .ldxdw, .ldxsb, .ldxsh, .ldxsw: (true, loadSize(op.code))
        case .stb, .sth, .stw, .stdw, .stxb, .stxh, .stxw, .stxdw: (false, storeSize(op.code))
        default: (false, atomicSize(op.code))
        }
        let base = isLoad ? r[Int(op.src)] : r[Int(op.dst)]
        return .outOfBounds(isLoad ? .read : .write, byteCount: size, address: base &+ UInt64(bitPattern: Int64(op.offset)),
                            regions: regions)
    }

    private func regionDescriptions(_ state: RunState) -> [MemoryRegion.Description] {
        let stackLow = UnsafeMutableRawPointer(bitPattern: UInt(state.checker.stackLow))!
        let depth = Int(state.checker.stackTop - state.checker.stackLow) / Self.stackFrameSize
        var list = [MemoryRegion(start: stackLow, byteCount: Int(state.checker.stackTop - state.checker.stackLow),
                                 isWritable: true, name: depth == 1 ? "stack frame" : "stack frames").description]
        for i in 0..<state.checker.regionCount { list.append(regions[i].description) }
        return list
    }

    @inline(never)
    static func runChecked(_ ops: UnsafePointer<Op>, _ r: UnsafeMutablePointer<UInt64>, _ state: inout RunState) -> RunStatus {
        execute(ops, r, &state, checked: true)
    }

    @inline(never)
    static func runUnchecked(_ ops: UnsafePointer<Op>, _ r: UnsafeMutablePointer<UInt64>, _ state: inout RunState) -> RunStatus {
        execute(ops, r, &state, checked: false)
    }
}

/// The outcome of one pass through the loop.
enum RunStatus: UInt8 {
    case returned, outOfBounds, budgetExhausted, callDepthExceeded, unknownHelper, helperFault
}

/// Saved state of a caller during a bpf-to-bpf call.
struct CallFrame {
    /// The caller's program (a tail call may have entered another one since).
    var returnOps: UnsafePointer<Op>
    var returnOp: Int
    var r6: UInt64, r7: UInt64, r8: UInt64, r9: UInt64
}

/// The loop's mutable state besides the registers, and the details of a fault.
struct RunState {
    var checker: MemoryChecker
    var packetStart: UInt64
    var packetLength: UInt64
    var budget: Int
    var frames: UnsafeMutablePointer<CallFrame>
    var helpers: UnsafeMutablePointer<HelperFunction>
    /// The packet buffer's metadata and control block, for context ops (raw: no ARC in the loop).
    var context: UnsafeMutablePointer<SkBuffMetadata>
    var controlBlock: UnsafeMutableRawPointer
    /// For `callx`, which looks helpers up by id at run time, and Linux helpers (the environment).
    unowned(unsafe) var owner: Interpreter
    /// The run's packet buffer (the placeholder for runs without one), for Linux helpers.
    unowned(unsafe) var skb: SkBuff
    /// r1 at entry of a context run: helpers taking the context check for it.
    var contextAddress: UInt64
    /// A non-nil address for empty buffers handed to helpers (never read).
    var placeholderKey: UnsafeMutableRawPointer
    var depth = 0
    var executed = 0
    /// The op the run stopped at (its `exit`, or the op that faulted), in the program `faultOps`.
    var faultOp = 0
    var faultOps: UnsafePointer<Op>
    /// What `bpf_redirect` asked for in this run.
    var redirect: RedirectRequest? = nil
    /// Tail calls made in this run, and where the last one goes.
    var tailCalls = 0
    var tailCallOps: UnsafePointer<Op>? = nil
}

/// The result of a run that reached `exit`.
public struct RunResult: Hashable, Sendable {
    public var returnValue: UInt64
    public var instructionsExecuted: Int

    public init(returnValue: UInt64, instructionsExecuted: Int) {
        self.returnValue = returnValue
        self.instructionsExecuted = instructionsExecuted
    }
}
