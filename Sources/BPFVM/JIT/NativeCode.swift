import BPFABI

/// A program compiled to x86-64 for one ``Interpreter``: the machine code embeds the addresses of
/// that interpreter's ops (for the slow ops it hands back), so it lives and dies with it.
final class NativeCode {
    typealias Entry = @convention(c) (UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer) -> UInt32

    /// Status the native code returns when it ran to `exit` (``RunStatus/returned``); others are
    /// ``RunStatus`` raw values too.
    private let memory: ExecutableMemory
    /// `[op, exit]` pairs for the ops the code hands to the interpreter.
    private let stubs: UnsafeMutablePointer<Op>
    private let stubCount: Int
    let entry: Entry
    /// Bytes of machine code (for `skbpf` reports and tests).
    let byteCount: Int

    /// Compiles `count` ops at `ops`; nil when the program uses what the native code does not
    /// (see ``NativeCompiler/unsupportedReason(_:count:)``) or the machine is not x86-64.
    /// What direct helper calls read (see ``NativeHelperContext``).
    private let helperContext: UnsafeMutablePointer<NativeHelperContext>

    init?(ops: UnsafePointer<Op>, count: Int, environment: HelperEnvironment) {
        #if arch(x86_64)
        guard count > 0, NativeCompiler.unsupportedReason(ops, count: count) == nil else { return nil }
        var stubIndex = [Int](repeating: -1, count: count)
        var slow = 0
        for i in 0..<count where NativeCompiler.needsStub(ops[i]) {
            stubIndex[i] = 2 * slow
            slow += 1
        }
        stubCount = max(2 * slow, 2)
        stubs = .allocate(capacity: stubCount)
        stubs.initialize(repeating: Op(.exit), count: stubCount)
        for i in 0..<count where stubIndex[i] >= 0 { stubs[stubIndex[i]] = ops[i] }
        helperContext = .allocate(capacity: 1)
        helperContext.initialize(to: NativeHelperContext(mapTable: environment.maps.table,
                                                         mapCount: environment.maps.tableCount, cpu: environment.cpu))
        var compiler = NativeCompiler(ops: ops, count: count, stubs: stubs, stubIndex: stubIndex,
                                      helperContext: UnsafeRawPointer(helperContext))
        let code = compiler.compile()
        guard let memory = ExecutableMemory(code: code) else {
            stubs.deallocate()
            helperContext.deallocate()
            return nil
        }
        self.memory = memory
        byteCount = code.count
        entry = unsafeBitCast(memory.base, to: Entry.self)
        #else
        return nil
        #endif
    }

    deinit {
        stubs.deallocate()
        helperContext.deallocate()
    }
}

/// What direct helper calls need besides r1–r5, as raw pointers: no reference counting on the
/// way (the interpreter's environment keeps the map set, and so these tables, alive).
struct NativeHelperContext {
    var mapTable: UnsafeMutablePointer<Unmanaged<BPFMap>>
    var mapCount: UnsafeMutablePointer<Int>
    var cpu: Int
}

/// What the native code calls back into: one op run by the interpreter, or a helper called
/// directly with the kernel's calling convention (r1–r5 in rdi, rsi, rdx, rcx, r8; the
/// ``NativeHelperContext`` in r9; the result in rax).
enum NativeRuntime {
    typealias DirectHelper = @convention(c) (UInt64, UInt64, UInt64, UInt64, UInt64, UnsafeRawPointer) -> UInt64

    /// `bpf_map_lookup_elem(map, key)`: the value's address, or 0. The verifier proved r1 a map
    /// of this set and r2 a key of its size; an unknown handle (an unverified trusted run) gets 0.
    static let mapLookup: DirectHelper = { handle, key, _, _, _, rawContext in
        let context = rawContext.assumingMemoryBound(to: NativeHelperContext.self)
        let index = handle &- MapSet.handleBase
        guard index < UInt64(context.pointee.mapCount.pointee),
              let keyPointer = UnsafeRawPointer(bitPattern: UInt(key))
        else { return 0 }
        let cpu = context.pointee.cpu
        let value = context.pointee.mapTable[Int(index)]._withUnsafeGuaranteedRef { $0.lookup(keyPointer, cpu: cpu) }
        return value.map { UInt64(UInt(bitPattern: $0)) } ?? 0
    }

    /// `bpf_map_update_elem(map, key, value, flags)`: 0 or a negative errno, as the map type
    /// answers. The verifier proved r1 a writable map of this set (not `.rodata`) and r2, r3 a
    /// key and a value of its sizes; an unknown handle or a read-only map (an unverified trusted
    /// run) gets -EINVAL.
    static let mapUpdate: DirectHelper = { handle, key, value, flags, _, rawContext in
        let context = rawContext.assumingMemoryBound(to: NativeHelperContext.self)
        let index = handle &- MapSet.handleBase
        guard index < UInt64(context.pointee.mapCount.pointee),
              let keyPointer = UnsafeRawPointer(bitPattern: UInt(key)),
              let valuePointer = UnsafeRawPointer(bitPattern: UInt(value))
        else { return invalid }
        let cpu = context.pointee.cpu
        return context.pointee.mapTable[Int(index)]._withUnsafeGuaranteedRef { map in
            map.isProgramWritable
                ? UInt64(bitPattern: Int64(map.update(keyPointer, valuePointer, flags: flags, cpu: cpu))) : invalid
        }
    }

    /// `bpf_map_delete_elem(map, key)`: 0 or a negative errno; the same proofs and refusals as
    /// ``mapUpdate``.
    static let mapDelete: DirectHelper = { handle, key, _, _, _, rawContext in
        let context = rawContext.assumingMemoryBound(to: NativeHelperContext.self)
        let index = handle &- MapSet.handleBase
        guard index < UInt64(context.pointee.mapCount.pointee),
              let keyPointer = UnsafeRawPointer(bitPattern: UInt(key))
        else { return invalid }
        let cpu = context.pointee.cpu
        return context.pointee.mapTable[Int(index)]._withUnsafeGuaranteedRef { map in
            map.isProgramWritable ? UInt64(bitPattern: Int64(map.delete(keyPointer, cpu: cpu))) : invalid
        }
    }

    /// -EINVAL as r0.
    private static let invalid = UInt64(bitPattern: Int64(MapErrno.einval.helperResult))

    /// The direct implementation of Linux helper `id`, if it has one: the map operations, which
    /// counters and flow tables call on every packet (the others go through the interpreter).
    static func directHelper(_ id: UInt64) -> UnsafeRawPointer? {
        switch id {
        case UInt64(HelperID.mapLookupElem.rawValue): unsafeBitCast(mapLookup, to: UnsafeRawPointer.self)
        case UInt64(HelperID.mapUpdateElem.rawValue): unsafeBitCast(mapUpdate, to: UnsafeRawPointer.self)
        case UInt64(HelperID.mapDeleteElem.rawValue): unsafeBitCast(mapDelete, to: UnsafeRawPointer.self)
        default: nil
        }
    }

    /// Runs the stub `[op, exit]` at `stub` with the spilled registers. Returns 0 when the op
    /// finished and the native code goes on; otherwise 1 + the run's ``RunStatus`` (the program
    /// stopped: a helper ended it, a legacy packet load fell outside the packet, a tail call's
    /// target ran to its end, or a helper faulted), with r0 in the register file.
    static let slowOperation: @convention(c) (UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer,
                                              UnsafeMutableRawPointer, Int) -> UInt32 = { r, rawState, rawStub, index in
        let state = rawState.assumingMemoryBound(to: RunState.self)
        let stub = rawStub.assumingMemoryBound(to: Op.self)
        let status = Interpreter.runUnchecked(stub, r, &state.pointee)
        if status == .returned && state.pointee.faultOps == UnsafePointer(stub) && state.pointee.faultOp == 1 {
            return 0  // reached the stub's exit: the op is done
        }
        // Ops a tail call's target ran (the op itself was counted by its block).
        r[15] &+= UInt64(max(state.pointee.executed - 1, 0))
        if status != .returned || state.pointee.faultOps == UnsafePointer(stub) {
            // The fault (or the stop) belongs to the program's own op, not to the stub.
            state.pointee.faultOp = index
            state.pointee.faultOps = UnsafePointer(state.pointee.owner.ops)
        }
        return UInt32(status.rawValue) + 1
    }

    static var slowOperationAddress: UnsafeRawPointer {
        unsafeBitCast(slowOperation, to: UnsafeRawPointer.self)
    }
}
