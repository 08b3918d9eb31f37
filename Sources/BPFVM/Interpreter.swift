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
    /// Default instruction budget of a checked run.
    public static let defaultInstructionBudget = 1 << 32

    public let program: ExecutableProgram
    /// Executed instructions after which a checked run traps; checked at backward jumps and calls.
    /// (A `let`: a stored `var` of a class costs a dynamic exclusivity check on every run.)
    public let instructionBudget: Int

    let registers: UnsafeMutablePointer<UInt64>
    /// The program's ops and helper table, copied into raw memory so a run retains nothing.
    let ops: UnsafeMutablePointer<Op>
    let helpers: UnsafeMutablePointer<HelperFunction>
    let stack: UnsafeMutableRawPointer
    let frames: UnsafeMutablePointer<CallFrame>
    let regions: UnsafeMutablePointer<MemoryRegion>
    static let maximumRegions = 4
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
    /// What the last faulting helper said (kept here so the loop's state stays trivial).
    var faultMessage = ""

    public init(program: ExecutableProgram, instructionBudget: Int = Interpreter.defaultInstructionBudget) {
        self.program = program
        self.instructionBudget = instructionBudget
        registers = .allocate(capacity: 16)
        registers.initialize(repeating: 0, count: 16)
        let stackBytes = Self.stackFrameSize * Self.maximumCallDepth
        stack = .allocate(byteCount: stackBytes, alignment: 16)
        stack.initializeMemory(as: UInt8.self, repeating: 0, count: stackBytes)
        frames = .allocate(capacity: Self.maximumCallDepth)
        regions = .allocate(capacity: Self.maximumRegions)
        ops = .allocate(capacity: max(program.ops.count, 1))
        ops.initialize(from: program.ops, count: program.ops.count)
        helpers = .allocate(capacity: max(program.helperTable.count, 1))
        helpers.initialize(from: program.helperTable, count: program.helperTable.count)
        placeholderMetadata = placeholderContext.metadata
        placeholderControlBlock = placeholderContext.controlBlock
        contextBlock = .allocate(byteCount: SkBuffContext.byteCount, alignment: 16)
        contextBlock.initializeMemory(as: UInt8.self, repeating: 0, count: SkBuffContext.byteCount)
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
    }

    var stackTop: UInt64 { UInt64(UInt(bitPattern: stack)) + UInt64(Self.stackFrameSize * Self.maximumCallDepth) }

    /// Runs the program on a block of memory: r1 = its address (0 when empty), r2 = its length.
    /// The block is the run's one data region (writable), and the packet of legacy packet loads.
    public func run(memory: UnsafeMutableRawBufferPointer) throws(Trap) -> RunResult {
        var regionCount = 0
        var address: UInt64 = 0
        var packet: UnsafeRawBufferPointer?
        if let base = memory.baseAddress, memory.count > 0 {
            regions[0] = MemoryRegion(start: base, byteCount: memory.count, isWritable: true, name: "memory")
            regionCount = 1
            address = UInt64(UInt(bitPattern: base))
            packet = UnsafeRawBufferPointer(start: base, count: memory.count)
        }
        return try run(arguments: (address, UInt64(memory.count)), regions: regionCount, packet: packet)
    }

    /// Runs with r1/r2 given and the first `regionCount` entries of ``regions`` as the data regions.
    /// `context`/`controlBlock` are the packet buffer's, for context ops (the placeholder's when the
    /// run has none); the caller keeps that buffer alive for the run.
    func run(arguments: (UInt64, UInt64), regions regionCount: Int, packet: UnsafeRawBufferPointer?,
             context: UnsafeMutablePointer<SkBuffMetadata>? = nil,
             controlBlock: UnsafeMutableRawPointer? = nil) throws(Trap) -> RunResult {
        for i in 0..<16 { registers[i] = 0 }
        registers[1] = arguments.0
        registers[2] = arguments.1
        registers[10] = stackTop
        var state = RunState(
            checker: MemoryChecker(isChecked: program.mode == .checked, stackLow: stackTop - UInt64(Self.stackFrameSize),
                                   stackTop: stackTop, regions: regions, regionCount: regionCount),
            packetStart: packet?.baseAddress.map { UInt64(UInt(bitPattern: $0)) } ?? 0,
            packetLength: UInt64(packet?.count ?? 0),
            budget: program.mode == .checked ? instructionBudget : Int.max,
            frames: frames, helpers: helpers, context: context ?? placeholderMetadata,
            controlBlock: controlBlock ?? placeholderControlBlock, owner: self)
        let status = program.mode == .checked
            ? Self.runChecked(ops, registers, &state)
            : Self.runUnchecked(ops, registers, &state)
        if status != .returned { throw trap(status, state) }
        return RunResult(returnValue: registers[0], instructionsExecuted: state.executed)
    }

    @inline(never)
    private func trap(_ status: RunStatus, _ state: RunState) -> Trap {
        let slot = state.faultOp < program.slotOfOp.count ? program.slotOfOp[state.faultOp] : -1
        let kind: Trap.Kind = switch status {
        case .returned, .outOfBounds:
            .outOfBounds(state.faultIsWrite ? .write : .read, byteCount: state.faultSize, address: state.faultAddress,
                         regions: regionDescriptions(state))
        case .budgetExhausted: .instructionBudgetExhausted(limit: instructionBudget)
        case .callDepthExceeded: .callDepthExceeded(limit: Self.maximumCallDepth)
        case .unknownHelper: .unknownHelper(id: state.faultAddress)
        case .helperFault:
            .helperFailed(name: state.faultHelper >= 0 ? helpers[state.faultHelper].name
                                                          : program.registry[state.faultHelperID]?.name ?? "?",
                          reason: faultMessage)
        }
        return Trap(slotIndex: slot, kind: kind)
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
    /// For `callx`, which looks helpers up by id at run time.
    unowned(unsafe) var owner: Interpreter
    var depth = 0
    var executed = 0
    var faultOp = 0
    var faultAddress: UInt64 = 0
    var faultSize = 0
    var faultIsWrite = false
    /// Index into the helper table of a helper that faulted, or -1 for a `callx` helper (see `faultHelperID`).
    var faultHelper = 0
    var faultHelperID: Int32 = 0
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
