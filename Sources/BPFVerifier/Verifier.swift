public import BPFABI
public import BPFISA
import Glibc

// The verifier: abstract interpretation of every path of a program, as kernel/bpf/verifier.c
// does it (do_check). One path at a time, depth first: a conditional jump whose direction is
// unknown pushes the jump's state and goes on with the fall-through; an exit pops the next
// pushed state. At prune points (jump targets and the instructions after conditional jumps) the
// state is compared with the states already seen there: one whose exploration finished and that
// includes the current state (every register and stack slot at least as general) ends the path;
// one still being explored (a loop around this point) that equals it is an infinite loop.
//
//   Verifier.verify ─► Exploration (paths, pruning, limits)
//                        └─► step: ALU (Verifier+ALU), memory (Verifier+Memory),
//                             jumps (Verifier+Jump), calls and exit (Verifier+Call)

/// A map as the verifier sees it: what `lddw` map references and map helpers are checked against.
public struct VerifierMap: Sendable, Hashable {
    public var name: String
    public var type: MapType
    public var keySize: Int
    public var valueSize: Int
    public var maxEntries: Int
    /// `BPF_F_RDONLY_PROG` (`.rodata`): programs may only read values.
    public var isReadOnly: Bool
    /// `BPF_F_INNER_MAP`: a template for inner maps whose max_entries may differ from its own.
    public var isInnerMapTemplate: Bool

    public init(name: String, type: MapType, keySize: Int, valueSize: Int, maxEntries: Int, isReadOnly: Bool = false,
                isInnerMapTemplate: Bool = false) {
        self.name = name
        self.type = type
        self.keySize = keySize
        self.valueSize = valueSize
        self.maxEntries = maxEntries
        self.isReadOnly = isReadOnly
        self.isInnerMapTemplate = isInnerMapTemplate
    }

    /// The map of a definition, read-only when the definition says `BPF_F_RDONLY_PROG`.
    public init(name: String, definition: MapDefinition) {
        self.init(name: name, type: definition.type, keySize: Int(definition.keySize), valueSize: Int(definition.valueSize),
                  maxEntries: Int(definition.maxEntries), isReadOnly: definition.flags.contains(.readOnlyProgram),
                  isInnerMapTemplate: definition.flags.contains(.innerMap))
    }
}

/// How strict the verifier is, and its limits.
public struct VerifierOptions: Sendable, Hashable {
    /// An unprivileged loader's rules (the kernel without CAP_PERFMON/CAP_SYS_ADMIN): no pointer
    /// leaks (returned, stored to maps, compared with scalars…), no reads of uninitialised stack.
    public var strict = false
    /// Instructions processed before giving up (the kernel's `BPF_COMPLEXITY_LIMIT_INSNS`).
    public var instructionLimit = 1_000_000
    /// Whether `gpl_only` helpers may be called.
    public var isGPLCompatible = true
    /// Keep a trace of every processed instruction and its register state (`--log`).
    public var keepsLog = false
    /// Whether the program may call the kernel-internal functions of a converted classic program
    /// (``BPFABI/HelperID/classicExtensions``): only for translations of classic BPF.
    public var allowsClassicExtensions = false

    public init(strict: Bool = false, instructionLimit: Int = 1_000_000, isGPLCompatible: Bool = true, keepsLog: Bool = false,
                allowsClassicExtensions: Bool = false) {
        self.strict = strict
        self.instructionLimit = instructionLimit
        self.isGPLCompatible = isGPLCompatible
        self.keepsLog = keepsLog
        self.allowsClassicExtensions = allowsClassicExtensions
    }
}

/// What a successful verification found.
public struct VerificationReport: Sendable {
    /// Instructions processed over all paths (the kernel's `insns_processed`).
    public var instructionsProcessed: Int
    /// States kept for pruning, in total and at most at once.
    public var totalStates: Int
    public var peakStates: Int
    /// Deepest stack use of each function (first instruction -> bytes), and the most any call
    /// chain used.
    public var stackDepths: [Int: Int]
    /// The context access each load or store through the context pointer makes, by instruction
    /// index: the translator turns these into field ops.
    public var contextAccesses: [Int: ContextAccess]
    /// Whether the program may change packet bytes or geometry: some path stores into the packet
    /// or calls a helper that changes packet data. False proves a run leaves the packet as it was.
    public var writesPacket: Bool
    /// Wall time of the verification, nanoseconds.
    public var durationNanoseconds: UInt64
    /// The state trace, when ``VerifierOptions/keepsLog`` asked for it.
    public var log: [String]
}

/// Proves programs safe before they run.
public enum Verifier {
    /// Verifies `program` as a program of `type` whose `lddw` map references name `maps` by
    /// index. Returns what it learned, or throws the first violation on any path.
    public static func verify(_ program: Program, type: ProgramType, maps: [VerifierMap] = [],
                              options: VerifierOptions = VerifierOptions()) throws(VerificationError) -> VerificationReport {
        let start = monotonicNanoseconds()
        do {
            try program.validate()
            try program.validateFunctions()
        } catch {
            throw VerificationError(instructionIndex: nil, slotIndex: error.slotIndex, message: "\(error)")
        }
        let exploration = Exploration(program: program, type: type, maps: maps, options: options)
        try exploration.run()
        if options.keepsLog { exploration.log.append(exploration.statisticsLine) }
        return VerificationReport(
            instructionsProcessed: exploration.processed, totalStates: exploration.totalStates,
            peakStates: exploration.peakStates, stackDepths: exploration.stackDepths,
            contextAccesses: exploration.contextAccesses, writesPacket: exploration.writesPacket,
            durationNanoseconds: monotonicNanoseconds() - start,
            log: exploration.log)
    }
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
