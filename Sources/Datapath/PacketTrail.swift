/// One packet's way through the datapath, for `verdicts.jsonl`: the hooks it passed in order,
/// each program's return value, how it ended and the fields it ended with. Reused from packet to
/// packet (its arrays keep their capacity), so recording allocates nothing in the steady state.
public struct PacketTrail: Sendable {
    /// One program run: which attachment, where, and what it returned (r0).
    public struct ProgramRun: Sendable, Hashable {
        public var attachment: Int
        public var hook: HookPoint
        public var returnValue: UInt64
    }

    /// Hooks passed, in order (a redirected packet may pass one twice).
    public internal(set) var hooks: [HookPoint] = []
    public internal(set) var runs: [ProgramRun] = []
    public internal(set) var fate: PacketFate = .dropped(.linkHeader, hook: nil)
    public internal(set) var mark: UInt32 = 0
    public internal(set) var priority: UInt32 = 0
    /// A program changed the packet's bytes or length.
    public internal(set) var isRewritten = false
    public internal(set) var redirects = 0

    init() {
        hooks.reserveCapacity(32)
        runs.reserveCapacity(32)
    }

    mutating func reset() {
        hooks.removeAll(keepingCapacity: true)
        runs.removeAll(keepingCapacity: true)
        isRewritten = false
        redirects = 0
    }
}
