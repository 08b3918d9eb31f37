public import BPFABI
public import BPFISA
public import BPFVerifier

/// Whether a run checks every memory access (for programs nothing has proven safe) or trusts them.
public enum ExecutionMode: Sendable, Hashable {
    /// Every load, store and atomic is checked against the run's regions; an instruction budget
    /// stops endless loops. The mode for unverified programs.
    case checked
    /// No per-access checks and no budget: only for programs a verifier proved safe, or runs
    /// the user explicitly trusts. Nothing protects the process from a wrong program.
    case unchecked
}

/// A program translated for the interpreter: pre-decoded ops and the helpers it calls.
/// Immutable and shareable; each worker runs it with its own ``Interpreter``.
public struct ExecutableProgram: Sendable {
    public let mode: ExecutionMode
    /// The kernel program type whose `struct __sk_buff` context r1 holds, or nil for a program
    /// that runs on raw memory (``Interpreter/run(memory:)``).
    public let programType: ProgramType?
    /// The program as loaded.
    public let program: Program
    let ops: [Op]
    let slotOfOp: [Int]
    let helperTable: [HelperFunction]
    let registry: HelperRegistry
    /// True when a verifier proved the program safe (its context facts were used).
    public let isVerified: Bool
    /// False when the verifier proved no run changes the packet (no packet store, no
    /// packet-changing helper); true for unverified programs.
    public let mayWritePacket: Bool
    /// The map set `lddw` map references were resolved against; interpreters must use it.
    let mapSetIdentity: ObjectIdentifier?

    /// Translates `program`; fails on an invalid program, an unknown helper id or a feature
    /// that needs a loader (map references).
    ///
    /// With a `programType`, every load and store through the context pointer (r1 at entry, and
    /// wherever it is copied or spilled) is checked against that type's `__sk_buff` rules and
    /// becomes a dedicated context op: a forbidden access is a ``LoadError/contextAccess(_:slotIndex:)``
    /// with the kernel's message. Run such a program with ``Interpreter/run(context:)``.
    ///
    /// A typed program calls Linux helpers by id (those `helpers` does not override): a helper the
    /// type may not call is a ``LoadError/helperRefused(_:slotIndex:)`` with the verifier's words
    /// (`gpl_only` helpers need `isGPLCompatible`). Its `lddw` map references resolve against
    /// `maps` — run it with an interpreter whose ``HelperEnvironment`` holds that same set.
    ///
    /// `allowsClassicExtensions` lets a program translated from classic BPF call the kernel's
    /// internal extension functions (``BPFABI/HelperID/classicExtensions``).
    public init(_ program: Program, helpers: HelperRegistry = HelperRegistry(), mode: ExecutionMode = .checked,
                programType: ProgramType? = nil, maps: MapSet? = nil, isGPLCompatible: Bool = true,
                verification: VerificationReport? = nil, allowsClassicExtensions: Bool = false) throws(LoadError) {
        let output = try Translator(program: program, helpers: helpers, programType: programType, maps: maps,
                                    isGPLCompatible: isGPLCompatible,
                                    verifiedContextAccesses: verification?.contextAccesses,
                                    allowsClassicExtensions: allowsClassicExtensions).translate()
        self.isVerified = verification != nil
        self.mayWritePacket = verification?.writesPacket ?? true
        self.mapSetIdentity = maps.map(ObjectIdentifier.init)
        self.mode = mode
        self.programType = programType
        self.program = program
        self.ops = output.ops
        self.slotOfOp = output.slotOfOp
        self.helperTable = output.helperTable
        self.registry = helpers
    }

    /// Number of pre-decoded operations.
    public var operationCount: Int { ops.count }
}
