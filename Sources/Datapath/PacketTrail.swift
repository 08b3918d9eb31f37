/// One packet's way through the datapath, for `verdicts.jsonl`: the hooks it passed in order,
/// each program's return value, how it ended and the fields it ended with. A copy made from
/// the datapath's ``TrailRecorder`` (``Datapath/lastTrail``); the per-packet path reads the
/// recorder through a ``PacketTrailView`` instead, which copies nothing.
public struct PacketTrail: Sendable, Equatable {
    /// One program run: which attachment, where, and what it returned (r0).
    public struct ProgramRun: Sendable, Hashable {
        public var attachment: Int
        public var hook: HookPoint
        public var returnValue: UInt64
    }

    /// Hooks passed, in order (a redirected packet may pass one twice).
    public var hooks: [HookPoint]
    public var runs: [ProgramRun]
    public var fate: PacketFate
    public var mark: UInt32
    public var priority: UInt32
    /// A program changed the packet's bytes or length.
    public var isRewritten: Bool
    public var redirects: Int

    public init(_ view: PacketTrailView) {
        hooks = Array(view.hooks)
        runs = Array(view.runs)
        fate = view.fate
        mark = view.mark
        priority = view.priority
        isRewritten = view.isRewritten
        redirects = view.redirects
    }
}

/// The last packet's trail as the datapath recorded it, valid until the next packet: what
/// ``PacketTrail`` holds, over the recorder's raw storage (no array copies, no reference counts).
public struct PacketTrailView {
    public let hooks: UnsafeBufferPointer<HookPoint>
    public let runs: UnsafeBufferPointer<PacketTrail.ProgramRun>
    public let fate: PacketFate
    public let mark: UInt32
    public let priority: UInt32
    public let isRewritten: Bool
    public let redirects: Int
}

/// Where the datapath writes a packet's trail: fixed raw buffers sized for the longest possible
/// way (every pass allowed by the redirect limit through every hook, every program once per
/// pass), grown on the cold path should a way ever be longer, so recording never allocates.
/// Reached through a pointer, so the per-packet appends pay no exclusivity checks.
struct TrailRecorder {
    private(set) var hooks: UnsafeMutablePointer<HookPoint>
    private(set) var hookCount = 0
    private var hookCapacity: Int
    private(set) var runs: UnsafeMutablePointer<PacketTrail.ProgramRun>
    private(set) var runCount = 0
    private var runCapacity: Int
    var fate: PacketFate = .dropped(.linkHeader, hook: nil)
    var mark: UInt32 = 0
    var priority: UInt32 = 0
    var isRewritten = false
    var redirects = 0

    init(hookCapacity: Int, runCapacity: Int) {
        self.hookCapacity = max(hookCapacity, 8)
        self.runCapacity = max(runCapacity, 8)
        hooks = .allocate(capacity: self.hookCapacity)
        runs = .allocate(capacity: self.runCapacity)
    }

    /// Frees the buffers; the recorder is unusable afterwards.
    func deallocate() {
        hooks.deallocate()
        runs.deallocate()
    }

    mutating func reset() {
        hookCount = 0
        runCount = 0
        isRewritten = false
        redirects = 0
    }

    @inline(__always)
    mutating func append(_ hook: HookPoint) {
        if hookCount == hookCapacity { growHooks() }
        (hooks + hookCount).initialize(to: hook)
        hookCount += 1
    }

    @inline(__always)
    mutating func append(_ run: PacketTrail.ProgramRun) {
        if runCount == runCapacity { growRuns() }
        (runs + runCount).initialize(to: run)
        runCount += 1
    }

    var view: PacketTrailView {
        PacketTrailView(
            hooks: UnsafeBufferPointer(start: hooks, count: hookCount),
            runs: UnsafeBufferPointer(start: runs, count: runCount),
            fate: fate, mark: mark, priority: priority, isRewritten: isRewritten, redirects: redirects)
    }

    @inline(never)
    private mutating func growHooks() {
        let grown = UnsafeMutablePointer<HookPoint>.allocate(capacity: hookCapacity * 2)
        grown.moveInitialize(from: hooks, count: hookCount)
        hooks.deallocate()
        hooks = grown
        hookCapacity *= 2
    }

    @inline(never)
    private mutating func growRuns() {
        let grown = UnsafeMutablePointer<PacketTrail.ProgramRun>.allocate(capacity: runCapacity * 2)
        grown.moveInitialize(from: runs, count: runCount)
        runs.deallocate()
        runs = grown
        runCapacity *= 2
    }
}
