public import BPFABI
public import PacketBuffer
import Glibc

/// What Linux helpers reach beyond the packet: the maps, the programs tail calls may jump to,
/// the devices `bpf_clone_redirect` may send to, the clock, the random source and the
/// `bpf_trace_printk` sink. One per worker: ``cpu`` is the worker's index, which per-CPU maps,
/// `bpf_get_smp_processor_id` and perf event outputs see.
///
/// ```
///   Interpreter ──► HelperEnvironment ──► MapSet (shared by the workers of one object)
///                                     └─► tail-call targets: program id -> ops
/// ```
/// Set everything up before the first run; the per-packet path only reads it.
public final class HelperEnvironment {
    /// The maps `lddw` map references and map helpers resolve against.
    public let maps: MapSet
    /// The worker ("CPU") index, 0..<`maps.cpuCount`.
    public let cpu: Int
    /// Where `bpf_trace_printk` lines go (the kernel's trace pipe); nil drops them. Each call
    /// gets the formatted message, without the kernel's task/timestamp prefix.
    public var traceSink: ((String) -> Void)?
    /// The device `bpf_clone_redirect` sends to for an ifindex, or nil when there is none.
    public var device: (UInt32) -> RedirectDevice? = { _ in nil }
    /// Receives each clone `bpf_clone_redirect` made, with its device and flags, during the call;
    /// the buffer is reused afterwards (copy what must outlive the call).
    public var cloneSink: ((SkBuff, RedirectDevice, UInt64) -> Void)?

    /// The buffer clones are made in (a clone of the largest packet fits).
    let cloneBuffer: SkBuff
    /// Programs a prog array may name, by id (their index here): their ops, raw and stable.
    private(set) var tailCallTargets: [TailCallTarget] = []
    /// Kind of every registered program: tail calls stay within one program type and mode.
    private var targetKind: (ProgramType?, ExecutionMode)?
    /// xorshift64* state of `bpf_get_prandom_u32`.
    var randomState: UInt64

    /// An environment for worker `cpu` over `maps`. `randomSeed` fixes `bpf_get_prandom_u32`'s
    /// sequence (a seed from the clock when nil).
    public init(maps: MapSet = MapSet(), cpu: Int = 0, randomSeed: UInt64? = nil,
                cloneCapacity: Int = SkBuffHelpers.maxPacketLength + 512) {
        precondition(cpu >= 0 && cpu < maps.cpuCount, "worker index beyond the map set's CPUs")
        self.maps = maps
        self.cpu = cpu
        self.cloneBuffer = SkBuff(capacity: cloneCapacity)
        var seed = randomSeed ?? HelperEnvironment.monotonicNanoseconds() ^ 0x9e37_79b9_7f4a_7c15
        if seed == 0 { seed = 0x2545_f491_4f6c_dd1d }
        randomState = seed
    }

    deinit {
        for target in tailCallTargets { target.ops.deallocate() }
    }

    /// Registers `program` as a tail-call target and returns its id, the value a prog array slot
    /// holds (``ProgramArrayMap/setProgram(_:at:)``). Every target has the same program type and
    /// execution mode (the kernel's prog array rule; an unchecked loop must never run unchecked
    /// ops of an unverified program).
    @discardableResult
    public func registerTailCallTarget(_ program: ExecutableProgram) throws(LoadError) -> Int {
        let kind = (program.programType, program.mode)
        if let existing = targetKind, existing.0 != kind.0 || existing.1 != kind.1 {
            throw .unsupported("tail-call target of another program type or execution mode", slotIndex: 0)
        }
        targetKind = kind
        let ops = UnsafeMutablePointer<Op>.allocate(capacity: max(program.ops.count, 1))
        ops.initialize(from: program.ops, count: program.ops.count)
        tailCallTargets.append(TailCallTarget(ops: ops, program: program))
        return tailCallTargets.count - 1
    }

    /// The registered program with `id`.
    public func tailCallTarget(id: Int) -> ExecutableProgram? {
        id >= 0 && id < tailCallTargets.count ? tailCallTargets[id].program : nil
    }

    /// The target whose ops start at `ops`, for naming a trap's slot in a tail-called program.
    func target(startingAt ops: UnsafePointer<Op>) -> ExecutableProgram? {
        tailCallTargets.first { UnsafePointer($0.ops) == ops }?.program
    }

    /// `bpf_get_prandom_u32()`: xorshift64*, high half.
    func nextRandom() -> UInt32 {
        var x = randomState
        x ^= x >> 12
        x ^= x << 25
        x ^= x >> 27
        randomState = x
        return UInt32(truncatingIfNeeded: (x &* 0x2545_f491_4f6c_dd1d) >> 32)
    }

    /// Nanoseconds of `clock` (`ktime_get_ns` is CLOCK_MONOTONIC).
    static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    static func monotonicNanoseconds() -> UInt64 { nanoseconds(CLOCK_MONOTONIC) }
}

/// A program a tail call can enter: its ops in memory that stays put while the environment lives.
struct TailCallTarget {
    let ops: UnsafeMutablePointer<Op>
    let program: ExecutableProgram
}
