import BPFABI
import BPFISA
import BPFVM
import PacketBuffer
import Testing

// Linux helpers called by id from typed programs (`callLinux`): maps, direct map values, tail
// calls, packet-changing helpers, load-time availability, bpf_trace_printk, time/random/CPU,
// redirects, ring buffers and perf events. Every program is LLVM-dialect assembly run checked.
// Values marked "measured" were read from Linux 6.18 with kernel_oracle.py (C programs doing the
// same calls; bpf_trace_printk output read from /sys/kernel/tracing/trace).

/// Maps, programs and packets of the helper tests.
enum LinuxHelperFixture {
    /// r0 of a helper that returned `-errno`.
    static func errno(_ value: Int64) -> UInt64 { UInt64(bitPattern: -value) }

    static func definition(_ type: MapType, key: UInt32 = 4, value: UInt32 = 8, entries: UInt32 = 8,
                           flags: MapFlags = [], name: String = "m") -> MapDefinition {
        MapDefinition(type: type, keySize: key, valueSize: value, maxEntries: entries, flags: flags, name: name)
    }

    static func maps(_ specifications: [MapSpecification], cpuCount: Int = 1) throws -> MapSet {
        try MapSet(specifications, cpuCount: cpuCount)
    }

    static func maps(_ definitions: MapDefinition..., cpuCount: Int = 1) throws -> MapSet {
        try MapSet(definitions.map { MapSpecification(name: $0.name, definition: $0) }, cpuCount: cpuCount)
    }

    static func program(_ source: String, maps: MapSet? = nil, type: ProgramType = .schedCls,
                        isGPLCompatible: Bool = true) throws -> ExecutableProgram {
        try ExecutableProgram(Assembler.assemble(source, dialect: .llvm), mode: .checked, programType: type, maps: maps,
                              isGPLCompatible: isGPLCompatible)
    }

    static func interpreter(_ source: String, maps: MapSet = MapSet(), cpu: Int = 0, randomSeed: UInt64? = nil,
                            type: ProgramType = .schedCls) throws -> Interpreter {
        let environment = HelperEnvironment(maps: maps, cpu: cpu, randomSeed: randomSeed)
        return Interpreter(program: try program(source, maps: maps, type: type), environment: environment)
    }

    /// A tc packet as a test run prepares it: `count` bytes, byte i = i (mod 256).
    static func packet(_ count: Int = 60) throws -> SkBuff {
        let skb = SkBuff(capacity: 256, headroom: TestRunFrame.headroom)
        try TestRunFrame.prepare(skb, frame: (0..<count).map { UInt8(truncatingIfNeeded: $0) }, type: .schedCls,
                                 context: TestRunContext())
        return skb
    }

    static func run(_ source: String, maps: MapSet = MapSet(), cpu: Int = 0, on skb: SkBuff? = nil) throws -> UInt64 {
        try interpreter(source, maps: maps, cpu: cpu).run(context: skb ?? packet()).returnValue
    }

    /// The trap a run ends with, or nil when it returns.
    static func trap(_ interpreter: Interpreter, on skb: SkBuff) -> Trap? {
        do {
            _ = try interpreter.run(context: skb)
            return nil
        } catch {
            return error
        }
    }

    static func trap(_ source: String, maps: MapSet = MapSet()) throws -> Trap? {
        trap(try interpreter(source, maps: maps), on: try packet())
    }

    /// The load error of `source`, or nil when it loads.
    static func loadError(_ source: String, maps: MapSet? = nil, type: ProgramType = .schedCls,
                          isGPLCompatible: Bool = true) throws -> LoadError? {
        let assembled = try Assembler.assemble(source, dialect: .llvm)
        do {
            _ = try ExecutableProgram(assembled, programType: type, maps: maps, isGPLCompatible: isGPLCompatible)
            return nil
        } catch {
            return error
        }
    }

    /// Assembly that stores `bytes` on the stack from `r10 - offset` upwards.
    static func stackStores(_ bytes: [UInt8], at offset: Int) -> String {
        bytes.enumerated().map { "*(u8 *)(r10 - \(offset - $0.offset)) = \($0.element)" }.joined(separator: "\n")
    }
}

// MARK: - Map helpers

@Suite struct LinuxHelperMapTests {
    typealias F = LinuxHelperFixture

    /// update(key 1, 0x1122334455667788, BPF_ANY), then lookup(key 1) and the value read through
    /// the returned pointer; 0xbad when either helper failed.
    static let updateThenLookup = """
        *(u32 *)(r10 - 4) = 1
        r1 = 0x1122334455667788 ll
        *(u64 *)(r10 - 16) = r1
        r1 = map_fd(0) ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        call 2
        if r0 != 0 goto failed
        r1 = map_fd(0) ll
        r2 = r10
        r2 += -4
        call 1
        if r0 == 0 goto failed
        r0 = *(u64 *)(r0 + 0)
        exit
        failed:
        r0 = 0xbad
        exit
        """

    static let value: [UInt8] = [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]

    @Test(arguments: [MapType.array, .hash, .lruHash, .percpuArray, .percpuHash, .lruPercpuHash])
    func updateThenLookupOnWorker2(type: MapType) throws {
        let maps = try F.maps(F.definition(type), cpuCount: 4)
        #expect(try F.run(Self.updateThenLookup, maps: maps, cpu: 2) == 0x1122_3344_5566_7788)
        let stored = try #require(try maps[0].lookup(key: [1, 0, 0, 0]))
        if type.isPerCPU {
            // Only worker 2's copy was written (a new hash element starts zeroed on the other CPUs).
            let copies = maps[0].perCPUValues(stored)
            #expect(copies == [[UInt8](repeating: 0, count: 8), [UInt8](repeating: 0, count: 8), Self.value,
                               [UInt8](repeating: 0, count: 8)])
        } else {
            #expect(stored == Self.value)
        }
    }

    /// One helper call of a sequence on map 0: (helper, key, flags, expected r0).
    struct Step: CustomStringConvertible, Sendable {
        var helper: HelperID
        var key: UInt32
        var flags: UInt64 = 0
        var expected: Int64
        var description: String { "\(helper.kernelName)(key \(key), flags \(flags)) = \(expected)" }

        /// The call; a lookup returns 1 for a value pointer, 0 for NULL.
        var source: String {
            """
            *(u32 *)(r10 - 4) = \(key)
            *(u64 *)(r10 - 16) = 7
            r1 = map_fd(0) ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = \(flags)
            call \(helper.rawValue)
            \(helper == .mapLookupElem ? "if r0 == 0 goto out\nr0 = 1" : "")
            out:
            exit
            """
        }
    }

    // Measured: a tc program making these calls in this order (kernel_oracle.py run --dump-maps).
    static let hashSteps: [Step] = [
        Step(helper: .mapLookupElem, key: 1, expected: 0),
        Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.noExist, expected: 0),
        Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.noExist, expected: -17),  // -EEXIST
        Step(helper: .mapUpdateElem, key: 2, flags: MapUpdateFlags.exist, expected: -2),      // -ENOENT
        Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.exist, expected: 0),
        Step(helper: .mapLookupElem, key: 1, expected: 1),
        Step(helper: .mapDeleteElem, key: 2, expected: -2),
        Step(helper: .mapDeleteElem, key: 1, expected: 0),
        Step(helper: .mapLookupElem, key: 1, expected: 0),
        Step(helper: .mapUpdateElem, key: 1, flags: 3, expected: -22),
    ]

    static let arraySteps: [Step] = [
        Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.noExist, expected: -17),  // always -EEXIST
        Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.exist, expected: 0),
        Step(helper: .mapUpdateElem, key: 9, expected: -7),                                   // -E2BIG
        Step(helper: .mapDeleteElem, key: 1, expected: -22),
        Step(helper: .mapLookupElem, key: 9, expected: 0),
        Step(helper: .mapLookupElem, key: 3, expected: 1),
        Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.lock, expected: -22),
        Step(helper: .mapUpdateElem, key: 1, flags: 3, expected: -22),
    ]

    @Test func hashResultsAreTheKernels() throws {
        let maps = try F.maps(F.definition(.hash))
        for step in Self.hashSteps {
            #expect(try F.run(step.source, maps: maps) == UInt64(bitPattern: step.expected), "\(step)")
        }
    }

    /// The native code calls the map helpers directly (no interpreter in between): the same
    /// results, and the same per-CPU copy.
    @Test func nativeMapCallsGiveTheKernelsResults() throws {
        for (type, steps) in [(MapType.hash, Self.hashSteps), (.array, Self.arraySteps), (.percpuHash, Self.hashSteps)] {
            let maps = try F.maps(F.definition(type, entries: 4), cpuCount: 2)
            for step in steps {
                let program = try ExecutableProgram(Assembler.assemble(step.source, dialect: .llvm), mode: .unchecked,
                                                    programType: .schedCls, maps: maps)
                let native = Interpreter(program: program, environment: HelperEnvironment(maps: maps, cpu: 1), engine: .native)
                try #require(native.isNative)
                #expect(try native.run(context: F.packet()).returnValue == UInt64(bitPattern: step.expected), "\(type) \(step)")
            }
        }
        // CPU 1's copy was written, CPU 0's is the zero a per-CPU insert leaves.
        let maps = try F.maps(F.definition(.percpuHash, entries: 4), cpuCount: 2)
        let update = Step(helper: .mapUpdateElem, key: 1, flags: MapUpdateFlags.noExist, expected: 0)
        let program = try ExecutableProgram(Assembler.assemble(update.source, dialect: .llvm), mode: .unchecked,
                                            programType: .schedCls, maps: maps)
        _ = try Interpreter(program: program, environment: HelperEnvironment(maps: maps, cpu: 1), engine: .native).run(context: F.packet())
        let stored = try #require(try maps[0].lookup(key: [1, 0, 0, 0]))
        #expect(maps[0].perCPUValues(stored) == [[UInt8](repeating: 0, count: 8), [7, 0, 0, 0, 0, 0, 0, 0]])
    }

    @Test func arrayResultsAreTheKernels() throws {
        let maps = try F.maps(F.definition(.array, entries: 4))
        for step in Self.arraySteps {
            #expect(try F.run(step.source, maps: maps) == UInt64(bitPattern: step.expected), "\(step)")
        }
    }

    @Test func lookupPercpuElemReadsAnotherCPUsCopy() throws {
        let maps = try F.maps(F.definition(.percpuArray, entries: 2), cpuCount: 4)
        // Copies 10, 11, 12, 13 for CPUs 0...3.
        try maps[0].update(key: [1, 0, 0, 0], value: (0..<4).flatMap { [UInt8(10 + $0), 0, 0, 0, 0, 0, 0, 0] })
        let source = { (cpu: Int) in
            """
            *(u32 *)(r10 - 4) = 1
            r1 = map_fd(0) ll
            r2 = r10
            r2 += -4
            r3 = \(cpu)
            call 195
            if r0 == 0 goto out
            r0 = *(u64 *)(r0 + 0)
            out:
            exit
            """
        }
        #expect(try F.run(source(3), maps: maps, cpu: 0) == 13)
        #expect(try F.run(source(0), maps: maps, cpu: 2) == 10)
        #expect(try F.run(source(4), maps: maps) == 0)  // cpu >= nr_cpu_ids: NULL
    }

    /// lookup(key 0), then a store and an atomic add through the value pointer.
    static let writeThroughLookup = """
        *(u32 *)(r10 - 4) = 0
        r1 = map_fd(0) ll
        r2 = r10
        r2 += -4
        call 1
        if r0 == 0 goto out
        *(u32 *)(r0 + 4) = 0xabcd
        r1 = 5
        lock *(u64 *)(r0 + 8) += r1
        r0 = 1
        out:
        exit
        """

    @Test(arguments: [MapType.array, .hash])
    func valuePointerIsWritableAndTheWriteIsVisible(type: MapType) throws {
        let maps = try F.maps(F.definition(type, value: 16))
        try maps[0].update(key: [0, 0, 0, 0], value: [UInt8](repeating: 1, count: 16))
        #expect(try F.run(Self.writeThroughLookup, maps: maps) == 1)
        #expect(try maps[0].lookup(key: [0, 0, 0, 0]) == [1, 1, 1, 1, 0xcd, 0xab, 0, 0, 6, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test func storeIntoReadOnlyProgramMapTraps() throws {
        let rodata = MapSpecification(name: ".rodata", definition: F.definition(.array, value: 16, entries: 1,
                                                                                  flags: .readOnlyProgram, name: ".rodata"),
                                      initialData: [42], isReadOnly: true)
        let maps = try F.maps([rodata])
        let trap = try #require(try F.trap(Self.writeThroughLookup, maps: maps))
        #expect(trap.slotIndex == 7)
        guard case .outOfBounds(.write, 4, _, let regions) = trap.kind else {
            Issue.record("expected an out-of-bounds write, got \(trap)")
            return
        }
        #expect(regions.contains { $0.name == "map value" && !$0.isWritable })
        #expect(trap.description.contains("read-only"))
        // Reading is fine, through lookup and through a direct value address.
        let read = "*(u32 *)(r10 - 4) = 0\nr1 = map_fd(0) ll\nr2 = r10\nr2 += -4\ncall 1\nr0 = *(u8 *)(r0 + 0)\nexit"
        #expect(try F.run(read, maps: maps) == 42)
        #expect(try F.run("r1 = map_value(0, 0) ll\nr0 = *(u8 *)(r1 + 0)\nexit", maps: maps) == 42)
        let direct = try #require(try F.trap("r1 = map_value(0, 0) ll\n*(u8 *)(r1 + 0) = 1\nr0 = 0\nexit", maps: maps))
        #expect(direct.slotIndex == 2)
        #expect(try maps[0].lookup(key: [0, 0, 0, 0])?.first == 42)
    }

    @Test(arguments: [HelperID.mapUpdateElem, .mapDeleteElem])
    func updateOrDeleteOfReadOnlyProgramMapTraps(helper: HelperID) throws {
        // The verifier's record_func_map() refuses these calls: "write into map forbidden".
        let maps = try F.maps(F.definition(.hash, flags: .readOnlyProgram))
        let trap = try #require(try F.trap(Step(helper: helper, key: 1, expected: 0).source, maps: maps))
        #expect(trap.kind == .helperFailed(name: helper.kernelName, reason: "write into map forbidden"))
        #expect(try maps[0].lookup(key: [1, 0, 0, 0]) == nil)
    }

    @Test func frozenMapWithoutReadOnlyFlagStaysWritableForPrograms() throws {
        // BPF_MAP_FREEZE stops user-space writes only (uapi bpf.h); programs may still write.
        let frozen = MapSpecification(name: "frozen", definition: F.definition(.array, value: 16, entries: 1),
                                      isReadOnly: true)
        let maps = try F.maps([frozen])
        #expect(try F.run(Self.writeThroughLookup, maps: maps) == 1)
        #expect(try maps[0].lookup(key: [0, 0, 0, 0])?[4] == 0xcd)
        #expect(throws: MapError.self) { try maps[0].update(key: [0, 0, 0, 0], value: [UInt8](repeating: 0, count: 16)) }
    }

    @Test func keyOutsideTheProgramsMemoryTrapsNamingTheHelper() throws {
        let maps = try F.maps(F.definition(.hash))
        let trap = try #require(try F.trap("r1 = map_fd(0) ll\nr2 = 0x1000\ncall 1\nexit", maps: maps))
        #expect(trap.slotIndex == 3)
        #expect(trap.kind == .helperFailed(name: "bpf_map_lookup_elem",
                                           reason: "R2 = 0x1000 (4 bytes) is not memory the program may pass"))
        // A value half outside the stack frame: 8 bytes from r10 - 4.
        let update = "*(u32 *)(r10 - 8) = 1\nr1 = map_fd(0) ll\nr2 = r10\nr2 += -8\nr3 = r10\nr3 += -4\nr4 = 0\ncall 2\nexit"
        let valueTrap = try #require(try F.trap(update, maps: maps))
        guard case .helperFailed("bpf_map_update_elem", let reason) = valueTrap.kind else {
            Issue.record("expected a helper fault, got \(valueTrap)")
            return
        }
        #expect(reason.hasPrefix("R3 = 0x") && reason.hasSuffix("(8 bytes) is not memory the program may pass"))
    }

    @Test func nonMapValueAsTheMapTraps() throws {
        let maps = try F.maps(F.definition(.hash))
        let trap = try #require(try F.trap("*(u32 *)(r10 - 4) = 0\nr1 = 42\nr2 = r10\nr2 += -4\ncall 1\nexit", maps: maps))
        #expect(trap.kind == .helperFailed(name: "bpf_map_lookup_elem", reason: "R1 is not a map (0x2a)"))
        // A handle one past the set's maps is no map either.
        let past = MapSet.handle(ofMapAt: 1)
        let beyond = try #require(try F.trap("r1 = 0x\(String(past, radix: 16)) ll\ncall 1\nexit", maps: maps))
        #expect(beyond.kind == .helperFailed(name: "bpf_map_lookup_elem", reason: "R1 is not a map (0x\(String(past, radix: 16)))"))
    }

    @Test func lookupInAProgramArrayIsRefusedInTheKernelsWords() throws {
        // Measured: the kernel verifier says "cannot pass map_type 3 into func bpf_map_lookup_elem#1".
        let maps = try F.maps(F.definition(.progArray, value: 4, entries: 4))
        let trap = try #require(try F.trap("*(u32 *)(r10 - 4) = 0\nr1 = map_fd(0) ll\nr2 = r10\nr2 += -4\ncall 1\nexit", maps: maps))
        #expect(trap.kind == .helperFailed(name: "bpf_map_lookup_elem",
                                           reason: "cannot pass map_type 3 into func bpf_map_lookup_elem#1"))
    }
}

// MARK: - Direct map values (lddw map_value / map_idx_value)

@Suite struct LinuxHelperDirectValueTests {
    typealias F = LinuxHelperFixture

    static func globals() throws -> MapSet {
        try F.maps([
            MapSpecification(name: "other", definition: F.definition(.hash, name: "other")),
            MapSpecification(name: ".data", definition: F.definition(.array, value: 16, entries: 1, name: ".data"),
                             initialData: [1, 2, 3, 4, 5, 6, 7, 8]),
        ])
    }

    @Test(arguments: ["map_value", "map_idx_value"])
    func directValueReadsAndWritesTheArrayValue(form: String) throws {
        let maps = try Self.globals()
        let source = """
            r1 = \(form)(1, 4) ll
            r0 = *(u32 *)(r1 + 0)
            *(u32 *)(r1 + 8) = 0x99
            exit
            """
        #expect(try F.run(source, maps: maps) == 0x0807_0605)
        #expect(try maps[1].lookup(key: [0, 0, 0, 0]) == [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0x99, 0, 0, 0])
    }

    @Test func accessPastTheValueThroughADirectAddressTraps() throws {
        let trap = try #require(try F.trap("r1 = map_value(1, 12) ll\nr0 = *(u64 *)(r1 + 0)\nexit", maps: try Self.globals()))
        #expect(trap.slotIndex == 2)
        guard case .outOfBounds(.read, 8, _, _) = trap.kind else {
            Issue.record("expected an out-of-bounds read, got \(trap)")
            return
        }
    }

    struct BadReference: CustomStringConvertible, Sendable {
        var source: String
        var message: String
        var description: String { source }
    }

    static let badReferences: [BadReference] = [
        BadReference(source: "r1 = map_value(2, 0) ll", message: "lddw refers to map 2, but the program has 2 maps"),
        BadReference(source: "r1 = map_idx_value(7, 0) ll", message: "lddw refers to map 7, but the program has 2 maps"),
        BadReference(source: "r1 = map_fd(2) ll", message: "lddw refers to map 2, but the program has 2 maps"),
        BadReference(source: "r1 = map_value(1, 16) ll",
                     message: "direct value access to map .data at offset 16: only single-value arrays, inside the value"),
        BadReference(source: "r1 = map_value(1, -1) ll",
                     message: "direct value access to map .data at offset -1: only single-value arrays, inside the value"),
        BadReference(source: "r1 = map_value(0, 0) ll",
                     message: "direct value access to map other at offset 0: only single-value arrays, inside the value"),
    ]

    @Test(arguments: badReferences)
    func badReferenceIsALoadError(_ bad: BadReference) throws {
        let error = try F.loadError(bad.source + "\nr0 = 0\nexit", maps: try Self.globals())
        #expect(error == .invalidMapReference(bad.message, slotIndex: 0))
    }

    @Test func arrayWithTwoValuesHasNoDirectAddress() throws {
        let maps = try F.maps(F.definition(.array, value: 8, entries: 2))
        guard case .invalidMapReference? = try F.loadError("r1 = map_value(0, 0) ll\nexit", maps: maps) else {
            Issue.record("expected invalidMapReference")
            return
        }
    }

    @Test func mapReferenceWithoutMapsIsALoadError() throws {
        let error = try F.loadError("r1 = map_fd(0) ll\nr0 = 0\nexit")
        #expect(error == .invalidMapReference("lddw refers to map 0, but the program was loaded without maps", slotIndex: 0))
    }
}

// MARK: - Tail calls

@Suite struct LinuxHelperTailCallTests {
    typealias F = LinuxHelperFixture

    /// A prog array of 4 slots as map 0.
    static func jumpTable() throws -> MapSet {
        try F.maps(F.definition(.progArray, value: 4, entries: 4, name: "jumps"))
    }

    /// Registers each program as a target and puts target i in slot `slots[i]`.
    static func environment(_ maps: MapSet, targets: [(String, slot: Int?)]) throws -> HelperEnvironment {
        let environment = HelperEnvironment(maps: maps)
        let table = try #require(maps[0] as? ProgramArrayMap)
        for (source, slot) in targets {
            let id = try environment.registerTailCallTarget(try F.program(source, maps: maps))
            if let slot { #expect(table.setProgram(id, at: slot)) }
        }
        return environment
    }

    static func run(_ entry: String, _ maps: MapSet, _ environment: HelperEnvironment) throws -> RunResult {
        try Interpreter(program: try F.program(entry, maps: maps), environment: environment).run(context: try F.packet())
    }

    /// Adds 1 to the mark, tail-calls slot 0, returns the mark when the call falls through.
    static let countingProgram = """
        r6 = r1
        r2 = *(u32 *)(r6 + 8)
        r2 += 1
        *(u32 *)(r6 + 8) = r2
        r1 = r6
        r2 = map_fd(0) ll
        r3 = 0
        call 12
        r0 = *(u32 *)(r6 + 8)
        exit
        """

    @Test func thirtyThreeTailCallsSucceedAndTheThirtyFourthFallsThrough() throws {
        let maps = try Self.jumpTable()
        let environment = try Self.environment(maps, targets: [(Self.countingProgram, slot: 0)])
        // The entry run plus 33 tail-called runs: the kernel's MAX_TAIL_CALL_CNT.
        #expect(try Self.run(Self.countingProgram, maps, environment).returnValue == 34)
        #expect(Interpreter.maximumTailCalls == 33)
    }

    /// `calls` tail calls to `slot` (each falling through), then one to slot 0; 1 if that one falls through.
    static func callsThenSlot0(_ calls: Int, slot: Int) -> String {
        """
        r6 = r1
        r7 = \(calls)
        loop:
        r1 = r6
        r2 = map_fd(0) ll
        r3 = \(slot) ll
        call 12
        r7 += -1
        if r7 != 0 goto loop
        r1 = r6
        r2 = map_fd(0) ll
        r3 = 0
        call 12
        r0 = 1
        exit
        """
    }

    @Test func emptySlotCountsButAnIndexBeyondMaxEntriesDoesNot() throws {
        let maps = try Self.jumpTable()
        let environment = try Self.environment(maps, targets: [("r0 = 42\nexit", slot: 0)])
        // bpf_tail_call: index >= max_entries -> out; count >= 33 -> out; count++; empty slot -> out.
        #expect(try Self.run(Self.callsThenSlot0(32, slot: 1), maps, environment).returnValue == 42)
        #expect(try Self.run(Self.callsThenSlot0(33, slot: 1), maps, environment).returnValue == 1)
        #expect(try Self.run(Self.callsThenSlot0(40, slot: 4), maps, environment).returnValue == 42)
        #expect(try Self.run(Self.callsThenSlot0(40, slot: 0x1_0000_0001), maps, environment).returnValue == 1)
    }

    @Test func instructionCountGoesOnAcrossTailCalls() throws {
        let maps = try Self.jumpTable()
        let entry = "r2 = map_fd(0) ll\nr3 = 0\ncall 12\nr0 = 1\nexit"
        let target = "r0 = 40\nr0 += 2\nexit"
        let alone = try Self.run(entry, maps, try Self.environment(maps, targets: []))
        let targetAlone = try Self.run(target, maps, try Self.environment(maps, targets: []))
        let chained = try Self.run(entry, maps, try Self.environment(maps, targets: [(target, slot: 0)]))
        #expect(alone.returnValue == 1 && chained.returnValue == 42)
        // The chained run skips the entry's last two instructions and runs the whole target.
        #expect(chained.instructionsExecuted == alone.instructionsExecuted - 2 + targetAlone.instructionsExecuted)
    }

    @Test func trapInATailCalledProgramNamesItsSlot() throws {
        let maps = try Self.jumpTable()
        // The entry has 6 slots; the target faults at its slot 6 (lddw takes two).
        let target = "r1 = 0x10 ll\nr2 = 1\nr2 += 1\nr2 += 1\nr2 += 1\nr0 = *(u32 *)(r1 + 0)\nexit"
        let environment = try Self.environment(maps, targets: [(target, slot: 2)])
        let entry = "r2 = map_fd(0) ll\nr3 = 2\ncall 12\nr0 = 1\nexit"
        let interpreter = Interpreter(program: try F.program(entry, maps: maps), environment: environment)
        let trap = try #require(F.trap(interpreter, on: try F.packet()))
        #expect(trap.slotIndex == 6)
        guard case .outOfBounds(.read, 4, 0x10, _) = trap.kind else {
            Issue.record("expected the target's read at 0x10, got \(trap)")
            return
        }
    }

    @Test func tailCallFromASubprogramReturnsToItsCaller() throws {
        let maps = try Self.jumpTable()
        // The target replaces the subprogram: its exit returns to the main program with the caller's
        // r6 and stack restored; the target's r0 is what the call returns.
        let target = "r6 = 0\n*(u64 *)(r10 - 8) = 5\nr0 = 42\nexit"
        let environment = try Self.environment(maps, targets: [(target, slot: 3)])
        let entry = """
            *(u64 *)(r10 - 8) = 11
            r6 = 100
            call sub
            r0 += r6
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            sub:
            r2 = map_fd(0) ll
            r3 = 3
            call 12
            r0 = 7
            exit
            """
        #expect(try Self.run(entry, maps, environment).returnValue == 42 + 100 + 11)
    }

    @Test func tailCallArgumentsAreChecked() throws {
        let maps = try F.maps(F.definition(.progArray, value: 4, entries: 4), F.definition(.array, name: "a"))
        let notContext = try #require(try F.trap("r1 = 0\nr2 = map_fd(0) ll\nr3 = 0\ncall 12\nexit", maps: maps))
        #expect(notContext.kind == .helperFailed(name: "bpf_tail_call", reason: "R1 is not the context"))
        let notProgramArray = try #require(try F.trap("r2 = map_fd(1) ll\nr3 = 0\ncall 12\nexit", maps: maps))
        #expect(notProgramArray.kind == .helperFailed(name: "bpf_tail_call", reason: "expected prog array map for tail call"))
    }

    @Test func targetsShareOneProgramType() throws {
        let maps = try Self.jumpTable()
        let environment = HelperEnvironment(maps: maps)
        try environment.registerTailCallTarget(try F.program("r0 = 1\nexit", maps: maps))
        #expect(throws: LoadError.self) {
            try environment.registerTailCallTarget(try F.program("r0 = 1\nexit", maps: maps, type: .socketFilter))
        }
    }
}

// MARK: - Packet-changing helpers in checked mode

@Suite struct LinuxHelperPacketTests {
    typealias F = LinuxHelperFixture

    @Test func loadsReachTheNewEndAfterChangeTailGrows() throws {
        // Measured: after bpf_skb_change_tail(skb, 100, 0) on 60 bytes, len and data_end - data are
        // 100, byte 99 is 0 and byte 59 is 59.
        let source = """
            r6 = r1
            r2 = 100
            r3 = 0
            call 38
            if r0 != 0 goto out
            r2 = *(u32 *)(r6 + 76)
            r3 = *(u32 *)(r6 + 80)
            r4 = *(u8 *)(r3 - 1)
            r5 = *(u8 *)(r2 + 59)
            r0 = r3
            r0 -= r2
            r5 <<= 8
            r0 |= r5
            r4 <<= 16
            r0 |= r4
            out:
            exit
            """
        let skb = try F.packet()
        #expect(try F.run(source, on: skb) == 100 | 59 << 8)
        #expect(skb.length == 100)
    }

    @Test func staleLoadBeyondTheNewEndTrapsAfterShrinking() throws {
        let source = { (offset: Int) in
            """
            r6 = r1
            r7 = *(u32 *)(r6 + 76)
            r1 = r6
            r2 = 40
            r3 = 0
            call 38
            r0 = *(u8 *)(r7 + \(offset))
            exit
            """
        }
        #expect(try F.run(source(39)) == 39)
        let trap = try #require(try F.trap(source(40)))
        #expect(trap.slotIndex == 6)
        guard case .outOfBounds(.read, 1, _, _) = trap.kind else {
            Issue.record("expected an out-of-bounds read, got \(trap)")
            return
        }
    }

    @Test func changeHeadExtendsTheRegionInFront() throws {
        // Measured: bpf_skb_change_head(skb, 14, 0) returns 0 and len becomes 74.
        let source = """
            r6 = r1
            r7 = *(u32 *)(r6 + 76)
            r1 = r6
            r2 = 14
            r3 = 0
            call 43
            if r0 != 0 goto out
            r2 = *(u32 *)(r6 + 76)
            r3 = *(u32 *)(r6 + 80)
            r0 = r3
            r0 -= r2
            r4 = *(u8 *)(r2 + 0)
            r4 <<= 8
            r0 |= r4
            r5 = *(u8 *)(r2 + 15)
            r5 <<= 16
            r0 |= r5
            r5 = *(u8 *)(r7 + 2)
            r5 <<= 24
            r0 |= r5
            out:
            exit
            """
        let skb = try F.packet()
        // Length 74, the new first byte 0, old byte 1 now at 15; with 64 bytes of headroom nothing moved,
        // so the stale data pointer (which a verifier would have invalidated) still reads old byte 2.
        #expect(try F.run(source, on: skb) == 74 | 0 << 8 | 1 << 16 | 2 << 24)
        #expect(skb.byteArray.prefix(16) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    }

    static let pulls: [(length: UInt64, expected: UInt64)] = [
        (0, 0), (60, 0), (61, LinuxHelperFixture.errno(12)), (100, LinuxHelperFixture.errno(12)),
    ]

    @Test(arguments: pulls)
    func pullDataResults(length: UInt64, expected: UInt64) throws {
        // Measured: bpf_skb_pull_data(skb, 0) = 0, (skb, 100) on 60 bytes = -ENOMEM.
        let source = """
            r6 = r1
            r2 = \(length)
            call 39
            r7 = r0
            r2 = *(u32 *)(r6 + 76)
            r3 = *(u32 *)(r6 + 80)
            r0 = *(u8 *)(r3 - 1)
            r0 = r7
            exit
            """
        #expect(try F.run(source) == expected)
    }

    struct TailChange: CustomStringConvertible, Sendable {
        var length: UInt64, flags: UInt64, expected: UInt64
        var description: String { "change_tail(\(length), \(flags))" }
    }

    // Measured in one program: 100 -> 0, 40 -> 0, 13 (< ETH_HLEN) -> -EINVAL, flags 1 -> -EINVAL.
    static let tailChanges = [
        TailChange(length: 100, flags: 0, expected: 0),
        TailChange(length: 40, flags: 0, expected: 0),
        TailChange(length: 13, flags: 0, expected: LinuxHelperFixture.errno(22)),
        TailChange(length: 60, flags: 1, expected: LinuxHelperFixture.errno(22)),
    ]

    @Test(arguments: tailChanges)
    func changeTailResults(_ change: TailChange) throws {
        #expect(try F.run("r2 = \(change.length)\nr3 = \(change.flags)\ncall 38\nexit") == change.expected)
    }

    @Test func legacyPacketLoadSeesTheNewLength() throws {
        let grown = """
            r6 = r1
            r2 = 100
            r3 = 0
            call 38
            r0 = *(u8 *)skb[99]
            r7 = r0
            r0 = *(u8 *)skb[59]
            r0 += 1000
            r0 += r7
            exit
            """
        #expect(try F.run(grown) == 1059)
        // Past the new end, LD_ABS ends the program with r0 = 0.
        let shrunk = """
            r6 = r1
            r2 = 40
            r3 = 0
            call 38
            r0 = *(u8 *)skb[39]
            r0 = *(u8 *)skb[50]
            r0 = 77
            exit
            """
        #expect(try F.run(shrunk) == 0)
    }
}

// MARK: - Helper availability at load

@Suite struct LinuxHelperAvailabilityTests {
    typealias F = LinuxHelperFixture

    // Measured: the kernel verifier's first error line for the same calls (kernel_oracle.py verify).
    @Test func socketFilterCannotStoreBytes() throws {
        let error = try #require(try F.loadError("r0 = 0\ncall 9\nexit", type: .socketFilter))
        #expect(error == .helperRefused(.unavailable(HelperID(9), programType: .socketFilter), slotIndex: 1))
        #expect(error.description == "slot 1: program of this type cannot use helper bpf_skb_store_bytes#9")
        #expect(try F.loadError("r0 = 0\ncall 9\nexit") == nil)
    }

    @Test func gplOnlyHelperNeedsACompatibleLicense() throws {
        let error = try #require(try F.loadError("call 6\nexit", isGPLCompatible: false))
        #expect(error == .helperRefused(.gplRequired(HelperID(6)), slotIndex: 0))
        #expect(error.description == "slot 0: cannot call GPL-restricted function from non-GPL compatible program")
        #expect(try F.loadError("call 6\nexit", isGPLCompatible: true) == nil)
    }

    @Test func helperSkbpfLacksIsUnsupported() throws {
        // bpf_fib_lookup: the kernel accepts it in a tc program (measured); skbpf has no FIB.
        let error = try F.loadError("call 69\nexit")
        #expect(error == .unsupported("bpf_fib_lookup#69 is not implemented by skbpf", slotIndex: 0))
    }

    @Test func unknownIdIsTheKernelsInvalidFunc() throws {
        let error = try #require(try F.loadError("r0 = 0\nr0 = 0\ncall 999\nexit"))
        #expect(error == .helperRefused(.unknown(HelperID(999)), slotIndex: 2))
        #expect(error.description == "slot 2: invalid func unknown#999")
    }

    @Test func everyImplementedHelperLoadsInATcProgram() throws {
        for id in Interpreter.implementedLinuxHelpers {
            #expect(try F.loadError("call \(id.rawValue)\nexit") == nil, "\(id)")
        }
    }
}

// MARK: - bpf_trace_printk

@Suite struct LinuxHelperTracePrintkTests {
    typealias F = LinuxHelperFixture

    /// An argument: a number, or the address of data the program put on its stack.
    enum Argument: Sendable, CustomStringConvertible {
        case value(UInt64)
        /// "hello\0"
        case string
        /// 192.168.1.2
        case ip4
        /// 2001:db8::102
        case ip6

        static func signed(_ value: Int64) -> Self { .value(UInt64(bitPattern: value)) }

        var description: String {
            switch self {
            case .value(let v): "0x" + String(v, radix: 16)
            case .string: "\"hello\""
            case .ip4: "ip4"
            case .ip6: "ip6"
            }
        }
    }

    struct Case: CustomStringConvertible, Sendable {
        var format: String
        var arguments: [Argument] = []
        /// The trace line (nil: nothing traced) and the helper's return value.
        var line: String?
        var result: Int64
        /// The format's bytes as passed: the string and its NUL, or without the NUL.
        var omitsNUL = false

        var description: String { "\(format.debugDescription) \(arguments)" }
    }

    static func printed(_ format: String, _ arguments: [Argument] = [], _ line: String, _ result: Int) -> Case {
        Case(format: format, arguments: arguments, line: line, result: Int64(result))
    }

    static func refused(_ format: String, _ arguments: [Argument] = [], _ result: Int = -22) -> Case {
        Case(format: format, arguments: arguments, line: nil, result: Int64(result))
    }

    // Measured: each format run by a tc program through kernel_oracle.py with the same arguments
    // (a stack string "hello", 192.168.1.2, 2001:db8::102), the line read from
    // /sys/kernel/tracing/trace and the return value from the program's r0.
    static let cases: [Case] = [
        printed("%d %i %u", [.signed(-5), .signed(-6), .signed(-7)], "-5 -6 4294967289", 16),
        printed("%x %X", [.value(0xdead_beef_cafe), .value(0xabcdef)], "beefcafe ABCDEF", 15),
        printed("%ld %lld %lu", [.signed(-5), .signed(-6), .signed(-7)], "-5 -6 18446744073709551609", 26),
        printed("%llx %lx", [.value(0xdead_beef_cafe), .signed(-1)], "deadbeefcafe ffffffffffffffff", 29),
        printed("[%x]", [.signed(-1)], "[ffffffff]", 10),
        printed("[%u]", [.value(0x1_0000_0005)], "[5]", 3),
        printed("[%i]", [.value(0x8000_0000)], "[-2147483648]", 13),
        printed("%c%c%c", [.value(65), .value(0x142), .value(67)], "ABC", 3),
        printed("[%c]", [.value(0)], "[", 3),  // the NUL ends the trace line, not the count
        printed("[%cx]", [.value(65)], "[Ax]", 4),
        printed("[%5c][%-3c]", [.value(65), .value(66)], "[    A][B  ]", 12),
        printed("[%s]", [.string], "[hello]", 7),
        printed("[%s%d]", [.string, .value(1)], "[hello1]", 8),
        printed("[%s]", [.value(0x1000)], "[]", 2),
        printed("%s", [.value(0)], "", 0),
        printed("100%% %d", [.value(1)], "100% 1", 6),
        printed("%%%d", [.value(1)], "%1", 2),
        printed("tab\there", [], "tab\there", 8),
        printed("line\n", [], "line", 5),
        printed("abc\0def", [], "abc", 3),
        // Flags and widths.
        printed("[%5d][%-5d|][%05x]", [.value(42), .value(42), .value(0xab)], "[   42][42   |][000ab]", 22),
        printed("[%+d][% d][%+u]", [.value(7), .value(7), .value(7)], "[+7][ 7][7]", 11),
        printed("[%+x][% x][%+i]", [.value(7), .value(7), .signed(-7)], "[7][7][-7]", 10),
        printed("[%-05d][%05d][%5s]", [.signed(-42), .signed(-42), .string], "[-42  ][-0042][hello]", 21),
        printed("[% 5d][%-+5d|][%-8s|]", [.value(3), .value(3), .string], "[    3][+3   |][hello   |]", 26),
        printed("[%010d]", [.signed(-1)], "[-000000001]", 12),
        printed("[%00005d]", [.value(7)], "[00007]", 7),
        printed("[%05s][%05c][%+5px]", [.string, .value(65), .value(0x12)], "[hello][    A][   12]", 21),
        // Pointers: %p hashes other values in the kernel (not reproducible), NULL and error pointers not.
        printed("%p", [.value(0)], "0000000000000000", 16),
        printed("[%p]", [.signed(-4095)], "[fffffffffffff001]", 18),
        printed("[%p.]", [.value(0)], "[0000000000000000.]", 19),
        printed("[%18p][%-18p|]", [.value(0), .value(0)], "[                 0][0                 |]", 41),
        printed("[%px][%pK]", [.value(0x1234), .value(0)], "[0000000000001234][0000000000000000]", 36),
        printed("[%px]", [.signed(-1)], "[ffffffffffffffff]", 18),
        printed("[%10px]", [.value(0x1234)], "[      1234]", 12),
        printed("[%010px][%-10px|][%5p]", [.value(0x1234), .value(0x1234), .value(0)],
                "[0000001234][1234      |][    0]", 32),
        printed("[%pS]", [.value(0x1234)], "[0x1234]", 8),
        printed("[%pSx]", [.value(0x1234)], "[0x1234]", 8),
        printed("[%pB][%pS][%ps]", [.value(0), .value(0), .value(0)], "[0x0][0x0][0x0]", 15),
        printed("[%10pS][%10pB][%-10ps|]", [.value(0x1234), .value(0x1234), .value(0x1234)],
                "[    0x1234][0x1234][0x1234    |]", 33),
        printed("[%pKabc][%pxyz][%pBq]", [.value(0), .value(0x12), .value(0x12)],
                "[0000000000000000][0000000000000012][0x12]", 42),
        printed("[%pks][%pus]", [.string, .string], "[hello][]", 9),
        printed("[%pks%d]", [.string, .value(1)], "[hello1]", 8),
        printed("[%8pks][%-8pks|][%3pus]", [.string, .string, .string], "[hello][hello|][]", 17),
        printed("%pI4 %pi4", [.ip4, .ip4], "192.168.1.2 192.168.001.002", 27),
        printed("%pI6", [.ip6], "2001:0db8:0000:0000:0000:0000:0000:0102", 39),
        printed("%pi6", [.ip6], "20010db8000000000000000000000102", 32),
        printed("[%pi6q][%pI6.]", [.ip6, .ip6],
                "[20010db8000000000000000000000102][2001:0db8:0000:0000:0000:0000:0000:0102.]", 76),
        printed("[%20pI4][%-16pI4]", [.ip4, .ip4], "[192.168.1.2][192.168.1.2]", 26),
        printed("[%pI4x]", [.ip4], "[192.168.1.2]", 13),
        printed("[%pI4][%pi4]", [.value(0x1000), .signed(-1)], "[0.0.0.0][000.000.000.000]", 26),
        printed("[%pI4][%pI6]", [.value(0x1000), .value(0x1000)],
                "[0.0.0.0][0000:0000:0000:0000:0000:0000:0000:0000]", 50),
        // Refused: -EINVAL.
        refused("%d %d %d %d", [.value(1), .value(2), .value(3)]),
        refused("%f", [.value(1)]),
        refused("%n", [.value(1)]),
        refused("[%hd]", [.value(1)]),
        refused("[%lllx]", [.value(1)]),
        refused("[%5.2d]", [.value(1)]),
        refused("[%#x]", [.value(1)]),
        refused("[%5%]"),
        refused("end%"),
        refused("[%sx]", [.string]),
        refused("[%pa]", [.value(0x1234)]),
        refused("[%pX]", [.value(0)]),
        refused("[%pE]", [.value(0)]),
        refused("[%pe]", [.value(0)]),
        refused("[%pI5]", [.ip4]),
        refused("[%pIx]", [.ip4]),
        refused("[%pkx]", [.string]),
        refused("[\u{1}]"),
        refused("[\u{7f}]"),
        Case(format: "no nul %d", arguments: [.value(1)], line: nil, result: -22, omitsNUL: true),
    ]

    /// Stack layout: format from r10 - 256, "hello\0" at r10 - 300, the IPv4 address at r10 - 308,
    /// the IPv6 address at r10 - 330.
    static func program(format: [UInt8], size: Int, arguments: [Argument]) -> String {
        var lines = [
            F.stackStores(format, at: 256),
            F.stackStores(Array("hello".utf8) + [0], at: 300),
            F.stackStores([192, 168, 1, 2], at: 308),
            F.stackStores([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02], at: 330),
            "r1 = r10", "r1 += -256", "r2 = \(size)",
        ]
        for (i, argument) in arguments.enumerated() {
            let register = "r\(i + 3)"
            switch argument {
            case .value(let v): lines.append("\(register) = 0x\(String(v, radix: 16)) ll")
            case .string: lines += ["\(register) = r10", "\(register) += -300"]
            case .ip4: lines += ["\(register) = r10", "\(register) += -308"]
            case .ip6: lines += ["\(register) = r10", "\(register) += -330"]
            }
        }
        lines += ["call 6", "exit"]
        return lines.joined(separator: "\n")
    }

    /// The trace lines and r0 of one bpf_trace_printk call.
    static func trace(format: [UInt8], size: Int? = nil, arguments: [Argument],
                      maps: MapSet = MapSet()) throws -> (lines: [String], result: Int64) {
        let interpreter = try F.interpreter(program(format: format, size: size ?? format.count, arguments: arguments),
                                            maps: maps)
        var lines: [String] = []
        interpreter.environment.traceSink = { lines.append($0) }
        let r0 = try interpreter.run(context: try F.packet()).returnValue
        return (lines, Int64(bitPattern: r0))
    }

    @Test(arguments: cases)
    func formatMatchesTheKernel(_ c: Case) throws {
        let bytes = Array(c.format.utf8) + (c.omitsNUL ? [] : [0])
        let (lines, result) = try Self.trace(format: bytes, arguments: c.arguments)
        #expect(result == c.result)
        #expect(lines == (c.line.map { [$0] } ?? []))
    }

    @Test func nonASCIICharacterCountsOneByte() throws {
        // Measured: "[%c%c%c]" with 9, 10, 200 returns 5 (the line holds the raw bytes).
        let (lines, result) = try Self.trace(format: Array("[%c%c%c]".utf8) + [0],
                                             arguments: [.value(9), .value(10), .value(200)])
        #expect(result == 5)
        #expect(lines.count == 1 && lines.first?.hasPrefix("[\t\n") == true)
    }

    @Test func longMessageIsCutAt1023BytesButCountedWhole() throws {
        // Measured: "[%1100d]" returns 1102, the trace line holds 1023 bytes; widths stop at 2^23 - 1.
        let (lines, result) = try Self.trace(format: Array("[%1100d]".utf8) + [0], arguments: [.value(1)])
        #expect(result == 1102)
        #expect(lines == ["[" + String(repeating: " ", count: 1022)])
        #expect(try Self.trace(format: Array("[%99999d]".utf8) + [0], arguments: [.value(1)]).result == 100_001)
        #expect(try Self.trace(format: Array("[%16777217d]".utf8) + [0], arguments: [.value(1)]).result == 8_388_609)
    }

    /// Map 0: one 700-byte value holding a string of `length` letters (a to z, repeated).
    static func longString(_ length: Int) throws -> (MapSet, String) {
        let text = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let maps = try F.maps([MapSpecification(name: ".data", definition: F.definition(.array, value: 700, entries: 1),
                                                initialData: text + [0])])
        return (maps, String(decoding: text, as: UTF8.self))
    }

    /// The program of ``program(format:size:arguments:)`` with r3 and r4 pointing at map 0's value.
    static func traceLongString(_ format: String, _ maps: MapSet, fourth: String = "r4 = r3") throws -> (lines: [String], result: Int64) {
        let bytes = Array(format.utf8) + [0]
        let source = program(format: bytes, size: bytes.count, arguments: [])
            .replacingOccurrences(of: "call 6", with: "r3 = map_value(0, 0) ll\n\(fourth)\ncall 6")
        let interpreter = try F.interpreter(source, maps: maps)
        var lines: [String] = []
        interpreter.environment.traceSink = { lines.append($0) }
        let r0 = try interpreter.run(context: try F.packet()).returnValue
        return (lines, Int64(bitPattern: r0))
    }

    @Test func argumentsShareA512ByteBuffer() throws {
        // Measured: strings are copied into the 512-byte argument buffer with their NUL; the second
        // of two 300-byte strings gets the 210 bytes left, an argument with no room is -ENOSPC (-28).
        let (maps300, s300) = try Self.longString(300)
        let both = try Self.traceLongString("%s|%s", maps300)
        #expect(both.result == 511)
        #expect(both.lines == [s300 + "|" + String(s300.prefix(210))])
        let (maps510, s510) = try Self.longString(510)
        #expect(try Self.traceLongString("%s|%s", maps510).lines == [s510 + "|"])
        let (maps511, _) = try Self.longString(511)
        #expect(try Self.traceLongString("%s|%s", maps511).result == -28)
        let (maps690, _) = try Self.longString(690)
        #expect(try Self.traceLongString("%s|%d", maps690, fourth: "r4 = 7").result == -28)
        let (maps504, s504) = try Self.longString(504)
        let fits = try Self.traceLongString("%s|%d", maps504, fourth: "r4 = 7")
        #expect(fits.result == 506)
        #expect(fits.lines == [s504 + "|7"])
    }

    @Test func formatOutsideTheProgramsMemoryTraps() throws {
        let trap = try #require(try F.trap("r1 = 0x1000\nr2 = 4\ncall 6\nexit"))
        #expect(trap.kind == .helperFailed(name: "bpf_trace_printk",
                                           reason: "R1 = 0x1000 (4 bytes) is not memory the program may pass"))
    }
}

// MARK: - Time, randomness, CPU, redirects

@Suite struct LinuxHelperMiscellaneousTests {
    typealias F = LinuxHelperFixture

    @Test(arguments: [5, 125, 160, 208])
    func clockIsMonotonicWithinARun(id: Int) throws {
        // ktime_get_ns, _boot_ns, _coarse_ns, _tai_ns: 1 when the second reading is not earlier.
        let source = """
            call \(id)
            r6 = r0
            call \(id)
            r7 = r0
            r0 = 0
            if r6 == 0 goto out
            if r7 < r6 goto out
            r0 = 1
            out:
            exit
            """
        #expect(try F.run(source) == 1)
    }

    static let twoRandomNumbers = "call 7\nr6 = r0\ncall 7\nr6 <<= 32\nr0 |= r6\nexit"

    @Test func prandomIsDeterministicForASeed() throws {
        let skb = try F.packet()
        let first = try F.interpreter(Self.twoRandomNumbers, randomSeed: 1234).run(context: skb).returnValue
        let again = try F.interpreter(Self.twoRandomNumbers, randomSeed: 1234).run(context: skb).returnValue
        let other = try F.interpreter(Self.twoRandomNumbers, randomSeed: 1235).run(context: skb).returnValue
        #expect(first == again)
        #expect(first != other)
        #expect(first >> 32 != first & 0xffff_ffff)
    }

    @Test func processorIdIsTheEnvironmentsCPU() throws {
        let maps = MapSet(cpuCount: 4)
        #expect(try F.run("call 8\nexit", maps: maps, cpu: 3) == 3)
        #expect(try F.run("call 8\nexit", maps: maps, cpu: 0) == 0)
        #expect(try F.run("call 42\nexit") == 0)  // bpf_get_numa_node_id
    }

    @Test func redirectRecordsTheRequest() throws {
        // Measured: bpf_redirect(5, 0) = 7 (TC_ACT_REDIRECT), bpf_redirect(5, 2) = 2 (TC_ACT_SHOT).
        let skb = try F.packet()
        let interpreter = try F.interpreter("r1 = 5\nr2 = 0\ncall 23\nexit")
        #expect(try interpreter.run(context: skb).returnValue == 7)
        #expect(interpreter.redirectRequest == RedirectRequest(ifindex: 5, flags: 0))
        let ingress = try F.interpreter("r1 = 6\nr2 = 1\ncall 23\nexit")
        #expect(try ingress.run(context: skb).returnValue == 7)
        #expect(ingress.redirectRequest?.isIngress == true)
        let shot = try F.interpreter("r1 = 5\nr2 = 2\ncall 23\nexit")
        #expect(try shot.run(context: skb).returnValue == 2)
        #expect(shot.redirectRequest == nil)
        // A later run without a redirect forgets the request.
        _ = try interpreter.run(context: skb)
        #expect(interpreter.redirectRequest != nil)
    }

    @Test func cloneRedirectHandsACopyToTheSink() throws {
        // Measured: bpf_clone_redirect(skb, 1, 0) = 0, (skb, 999, 0) = -EINVAL, (skb, 1, 2) = -EINVAL.
        let clone = { (ifindex: Int, flags: Int) in "r6 = r1\nr2 = \(ifindex)\nr3 = \(flags)\ncall 13\nexit" }
        let skb = try F.packet()
        let original = skb.byteArray
        var received: [([UInt8], RedirectDevice, UInt64)] = []
        let make = { (source: String) throws -> Interpreter in
            let interpreter = try F.interpreter(source)
            interpreter.environment.device = { $0 == 4 ? RedirectDevice(ifindex: 4) : nil }
            interpreter.environment.cloneSink = { copy, device, flags in received.append((copy.byteArray, device, flags)) }
            return interpreter
        }
        #expect(try make(clone(4, 0)).run(context: skb).returnValue == 0)
        #expect(try make(clone(4, 1)).run(context: skb).returnValue == 0)
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.0 == original && $0.1 == RedirectDevice(ifindex: 4) })
        #expect(received.map(\.2) == [0, 1])
        #expect(try make(clone(999, 0)).run(context: skb).returnValue == F.errno(22))
        #expect(try make(clone(4, 2)).run(context: skb).returnValue == F.errno(22))
        #expect(received.count == 2)
        #expect(skb.byteArray == original)
    }
}

// MARK: - Ring buffers and perf events

@Suite struct LinuxHelperEventOutputTests {
    typealias F = LinuxHelperFixture

    static func ring() throws -> MapSet {
        try F.maps(F.definition(.ringbuf, key: 0, value: 0, entries: 4096, name: "rb"))
    }

    @Test func reserveSubmitDiscardOutputAndQuery() throws {
        let maps = try Self.ring()
        let ring = try #require(maps[0] as? RingBufferMap)
        let source = """
            r1 = map_fd(0) ll
            r2 = 16
            r3 = 0
            call 131
            if r0 == 0 goto out
            r1 = 0x1122334455667788 ll
            *(u64 *)(r0 + 0) = r1
            *(u64 *)(r0 + 8) = 9
            r1 = r0
            r2 = 0
            call 132
            r1 = map_fd(0) ll
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto out
            r1 = r0
            r2 = 0
            call 133
            \(F.stackStores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], at: 16))
            r1 = map_fd(0) ll
            r2 = r10
            r2 += -16
            r3 = 10
            r4 = 0
            call 130
            if r0 != 0 goto out
            r1 = map_fd(0) ll
            r2 = 0
            call 134
            out:
            exit
            """
        // Records take their size plus an 8-byte header, rounded to 8: 24 + 16 + 24 (measured: a
        // 10-byte output leaves BPF_RB_AVAIL_DATA = 24).
        #expect(try F.run(source, maps: maps) == 64)
        let records = ring.records()
        #expect(records.map(\.length) == [16, 8, 10])
        #expect(records.map(\.isDiscarded) == [false, true, false])
        #expect(records.allSatisfy { !$0.isBusy })
        #expect(records.first?.bytes == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 9, 0, 0, 0, 0, 0, 0, 0])
        #expect(records.last?.bytes == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        var consumed: [[UInt8]] = []
        #expect(ring.consume { consumed.append(Array($0)) } == 2)
        #expect(consumed.map(\.count) == [16, 10])
        #expect(ring.availableByteCount == 0)
    }

    struct Query: CustomStringConvertible, Sendable {
        var flags: UInt64, expected: UInt64
        var description: String { "query(\(flags))" }
    }

    // Measured after one 10-byte output into a 4096-byte ring.
    @Test(arguments: [Query(flags: 0, expected: 24), Query(flags: 1, expected: 4096), Query(flags: 2, expected: 0),
                      Query(flags: 3, expected: 24), Query(flags: 9, expected: 0)])
    func queryAfterOneOutput(_ query: Query) throws {
        let source = """
            \(F.stackStores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], at: 16))
            r1 = map_fd(0) ll
            r2 = r10
            r2 += -16
            r3 = 10
            r4 = 0
            call 130
            r1 = map_fd(0) ll
            r2 = \(query.flags)
            call 134
            exit
            """
        #expect(try F.run(source, maps: try Self.ring()) == query.expected)
    }

    @Test func outputWithUnknownFlagsIsInvalid() throws {
        // Measured: bpf_ringbuf_output(&rb, data, 10, 4) = -EINVAL.
        let source = "r1 = map_fd(0) ll\nr2 = r10\nr2 += -16\nr3 = 10\nr4 = 4\ncall 130\nexit"
        #expect(try F.run(source, maps: try Self.ring()) == F.errno(22))
    }

    @Test func submittingWhatWasNotReservedTraps() throws {
        let stack = try #require(try F.trap("r1 = r10\nr1 += -8\nr2 = 0\ncall 132\nexit", maps: try Self.ring()))
        guard case .helperFailed("bpf_ringbuf_submit", let reason) = stack.kind else {
            Issue.record("expected a helper fault, got \(stack)")
            return
        }
        #expect(reason.hasSuffix("is not a reserved ring buffer record"))
        // Submitting the same record twice: the second time it is no longer reserved.
        let twice = """
            r1 = map_fd(0) ll
            r2 = 8
            r3 = 0
            call 131
            r6 = r0
            r1 = r6
            r2 = 0
            call 132
            r1 = r6
            r2 = 0
            call 133
            exit
            """
        let again = try #require(try F.trap(twice, maps: try Self.ring()))
        #expect(again.slotIndex == 11)
        guard case .helperFailed("bpf_ringbuf_discard", _) = again.kind else {
            Issue.record("expected bpf_ringbuf_discard to fault, got \(again)")
            return
        }
    }

    static func perf() throws -> MapSet {
        try F.maps(F.definition(.perfEventArray, key: 4, value: 4, entries: 0, name: "events"), cpuCount: 2)
    }

    /// perf_event_output(ctx, events, `flags`, 8 stack bytes 1...8, 8).
    static func perfOutput(flags: UInt64) -> String {
        """
        \(F.stackStores([1, 2, 3, 4, 5, 6, 7, 8], at: 8))
        r2 = map_fd(0) ll
        r3 = 0x\(String(flags, radix: 16)) ll
        r4 = r10
        r4 += -8
        r5 = 8
        call 25
        exit
        """
    }

    @Test func perfEventOutputAppendsTheRequestedPacketBytes() throws {
        let maps = try Self.perf()
        let events = try #require(maps[0] as? PerfEventArrayMap)
        events.openAll()
        let currentCPUWith16PacketBytes = 16 << 32 | PerfEventOutputFlags.currentCPU
        #expect(try F.run(Self.perfOutput(flags: currentCPUWith16PacketBytes), maps: maps, cpu: 1) == 0)
        let samples = events.drain()
        #expect(samples.count == 1)
        #expect(samples.first?.index == 1)
        #expect(samples.first?.bytes == [1, 2, 3, 4, 5, 6, 7, 8] + (0..<16).map { UInt8($0) })
        // More packet bytes than the packet has: -EFAULT; unknown flag bits: -EINVAL.
        #expect(try F.run(Self.perfOutput(flags: 61 << 32 | 1), maps: maps, cpu: 1) == F.errno(14))
        #expect(try F.run(Self.perfOutput(flags: 1 << 60 | 1), maps: maps, cpu: 1) == F.errno(22))
    }

    @Test func perfEventOutputWithoutAnOpenSlot() throws {
        // Measured (no perf event opened): BPF_F_CURRENT_CPU and index 0 give -ENOENT, index 100 -E2BIG.
        let maps = try Self.perf()
        #expect(try F.run(Self.perfOutput(flags: PerfEventOutputFlags.currentCPU), maps: maps) == F.errno(2))
        #expect(try F.run(Self.perfOutput(flags: 0), maps: maps) == F.errno(2))
        #expect(try F.run(Self.perfOutput(flags: 100), maps: maps) == F.errno(7))
        // Open on another CPU than the worker's: -EOPNOTSUPP.
        let events = try #require(maps[0] as? PerfEventArrayMap)
        events.open(index: 0, cpu: 1)
        #expect(try F.run(Self.perfOutput(flags: 0), maps: maps, cpu: 0) == F.errno(95))
    }
}
