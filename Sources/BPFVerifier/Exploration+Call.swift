import BPFABI
import BPFISA

// Helper calls (`check_helper_call`: arguments against the prototype, map compatibility, memory
// and size pairs, references, packet pointer invalidation, R0 by return type), bpf-to-bpf calls
// and returns, exits, legacy packet loads and LDDW.

extension Exploration {
    /// What the arguments of one helper call established (`struct bpf_call_arg_meta`).
    private struct CallMeta {
        var map: Int?
        var allocationSize: Int?
        var releasedReference: UInt32?
        var constantKey: UInt64?
    }

    func stepHelperCall(_ insn: Instruction) throws(VerificationError) -> StepOutcome {
        let id = HelperID(rawValue: insn.imm32)
        if let refusal = HelperCallError.check(id, programType: type, isGPLCompatible: options.isGPLCompatible,
                                               allowsClassicExtensions: options.allowsClassicExtensions) {
            throw error(refusal.description)
        }
        if options.strict && id.needsPerfmon {
            throw error(HelperCallError.unavailable(id, programType: type).description)
        }
        guard let prototype = id.prototype else {
            throw error("\(id) is not supported by the verifier yet")
        }
        var meta = CallMeta()
        let arguments = prototype.arguments
        for (i, argument) in arguments.enumerated() {
            let r = i + 1
            let value = try read(r)
            switch argument {
            case .anything:
                if value.isPointer && options.strict { throw error("R\(r) leaks addr into helper function") }
            case .context:
                guard value.type == .context else { throw error("R\(r) type=\(value.typeName) expected=ctx") }
                if value.offset != 0 || value.bounds.constantValue != 0 {
                    throw error("dereference of modified ctx ptr R\(r) off=\(value.offset) disallowed")
                }
            case .constMapPointer:
                guard case .mapPointer(let map) = value.type else { throw error("R\(r) type=\(value.typeName) expected=map_ptr") }
                if let refusal = HelperCallError.checkMap(maps[map].type, passedTo: id) { throw error(refusal.description) }
                if maps[map].isReadOnly && (id == .mapUpdateElem || id == .mapDeleteElem) {
                    throw error("write into map forbidden, value_size=\(maps[map].valueSize) off=0 size=\(maps[map].valueSize)")
                }
                meta.map = map
            case .mapKey, .mapValue:
                guard let map = meta.map else { throw error("invalid map_ptr to access map->key") }
                let size = argument == .mapKey ? maps[map].keySize : maps[map].valueSize
                try helperMemoryAccess(r, value, size: size, write: false, helper: id)
                if argument == .mapKey { meta.constantKey = constantStackValue(value, size: size) }
            case .memory(_, let maybeNull):
                if maybeNull && value.isScalar && value.bounds.constantValue == 0 { continue }  // checked with the size
                // The size is the next argument.
                let sizeRegister = try read(r + 1)
                let size = try checkSizeArgument(r + 1, sizeRegister, zeroAllowed: arguments[i + 1] == .constSizeOrZero)
                try helperMemoryAccess(r, value, size: size, write: false, helper: id)
            case .uninitializedMemory:
                let sizeRegister = try read(r + 1)
                let size = try checkSizeArgument(r + 1, sizeRegister, zeroAllowed: arguments[i + 1] == .constSizeOrZero)
                // A size the verifier cannot pin down makes an unprivileged loader check the bytes as read.
                let fixed = sizeRegister.bounds.constantValue != nil
                try helperMemoryAccess(r, value, size: size, write: fixed || !options.strict, helper: id,
                                       variableSize: !fixed)
            case .constSize, .constSizeOrZero:
                _ = try checkSizeArgument(r, value, zeroAllowed: argument == .constSizeOrZero)
            case .constAllocSizeOrZero:
                guard value.isScalar, let size = value.bounds.constantValue else {
                    throw error("R\(r) is not a known constant'")
                }
                meta.allocationSize = Int(size)
            case .ringbufMemory:
                guard case .ringbufMemory = value.type, !value.maybeNull else {
                    throw error("R\(r) type=\(value.typeName) expected=ringbuf_mem",
                                hint: value.maybeNull ? "check the record against NULL before submitting or discarding it" : nil)
                }
                if value.offset != 0 || value.bounds.constantValue != 0 {
                    throw error("R\(r) must have zero offset when passed to release func or trusted arg to kfunc")
                }
                guard value.referenceID != 0, state.references[value.referenceID] != nil else {
                    throw error("release reference id=\(value.referenceID) expected")
                }
                meta.releasedReference = value.referenceID
            case .socketCommon:
                guard case .socket = value.type, !value.maybeNull else {
                    throw error("R\(r) type=\(value.typeName) expected=sock_common, sock, tcp_sock, xdp_sock",
                                hint: value.maybeNull ? "check the socket against NULL before passing it" : nil)
                }
            }
        }
        if let released = meta.releasedReference {
            state.references[released] = nil
            invalidate { $0.referenceID == released }
        }
        if prototype.changesPacketData {
            writesPacket = true
            var stale: UInt16 = 0
            for r in 0..<11 where state.current.registers[r].type.isPacketData || state.current.registers[r].type == .packetEnd {
                stale |= 1 << UInt16(r)
            }
            invalidate { $0.type == .packet || $0.type == .packetMeta || $0.type == .packetEnd }
            state.packetChange = VerifierState.PacketChange(instructionIndex: index, helper: id.rawValue, registers: stale)
        }
        for r in 1...5 { setRegister(r, .notInitialized) }
        switch prototype.returnType {
        case .integer: setRegister(0, .unknownScalar)
        case .void: setRegister(0, .notInitialized)
        case .mapValueOrNull:
            guard let map = meta.map else { throw error("kernel subsystem misconfigured verifier") }
            // An array lookup with a constant key below max_entries cannot fail: the kernel elides
            // the NULL check (`can_elide_value_nullness`), for keys in zero bytes or a scalar spill;
            // not in an inner-map template, whose max_entries says nothing of the real inner maps.
            var value = RegisterState.pointer(.mapValue(index: map), maybeNull: true)
            let info = maps[map]
            if id == .mapLookupElem, info.type == .array || info.type == .percpuArray, !info.isInnerMapTemplate,
               let key = meta.constantKey,
               key < UInt64(info.maxEntries) {
                value.maybeNull = false
            } else {
                value.id = newID()
            }
            setRegister(0, value)
        case .socketOrNull, .tcpSocketOrNull:
            var value = RegisterState.pointer(.socket(prototype.returnType == .socketOrNull ? .full : .tcp), maybeNull: true)
            value.id = newID()
            setRegister(0, value)
        case .ringbufMemoryOrNull:
            let size = meta.allocationSize ?? 0
            var value = RegisterState.pointer(.ringbufMemory(size: size), maybeNull: true)
            value.id = newID()
            value.referenceID = newID()
            state.references[value.referenceID] = index
            setRegister(0, value)
        }
        if id == .tailCall { setRegister(0, .unknownScalar) }
        return .next
    }

    /// `check_mem_size_reg`: a size argument must be a bounded, non-negative scalar.
    private func checkSizeArgument(_ r: Int, _ value: RegisterState, zeroAllowed: Bool) throws(VerificationError) -> Int {
        guard value.isScalar else { throw error("R\(r) type=\(value.typeName) expected=scalar") }
        if value.bounds.smin < 0 {
            throw error("R\(r) min value is negative, either use unsigned or 'var &= const'")
        }
        if value.bounds.umin == 0 && !zeroAllowed {
            throw error("R\(r) invalid zero-sized read: u64=[\(value.bounds.umin),\(value.bounds.umax)]")
        }
        if value.bounds.umax >= UInt64(Self.maxVariableOffset) {
            throw error("R\(r) unbounded memory access, use 'var &= const' or 'if (var < const)'",
                        hint: "bound the size before the call, e.g. if (len > sizeof(buf)) return ...")
        }
        return Int(value.bounds.umax)
    }

    /// The value of `size` (≤ 8) bytes the pointer addresses on the stack, when known.
    private func constantStackValue(_ pointer: RegisterState, size: Int) -> UInt64? {
        // get_constant_map_key: zero bytes from the key's first byte to the top of its slot, or a
        // scalar spill covering exactly the key's bytes whose value is known (all 64 bits of it).
        guard case .stack(let frame) = pointer.type, let variable = pointer.bounds.constantValue else { return nil }
        let offset = Int(pointer.offset) + Int(Int64(bitPattern: variable))
        guard offset >= -StackState.byteCount, offset < 0 else { return nil }
        let (slot, first) = StackState.position(offset)
        let contents = state.frames[frame].stack.slots[slot]
        var zeroBytes = 0
        while first + zeroBytes < 8 && contents.kind(first + zeroBytes) == .zero { zeroBytes += 1 }
        if zeroBytes >= size { return 0 }
        guard let spilled = contents.spilled, spilled.isScalar, contents.kind(0) == .spill else { return nil }
        var spillBytes = 0
        while first + spillBytes < 8 && contents.kind(first + spillBytes) == .spill { spillBytes += 1 }
        guard spillBytes == size else { return nil }
        return spilled.bounds.constantValue
    }

    /// Marks every register and spill `matches` selects as unusable: an unknown scalar for a
    /// privileged loader (the kernel's `mark_reg_invalid`), not initialised for a strict one.
    private func invalidate(_ matches: (RegisterState) -> Bool) {
        let replacement: RegisterState = options.strict ? .notInitialized : .unknownScalar
        for f in state.frames.indices {
            for r in 0..<11 where matches(state.frames[f].registers[r]) { state.frames[f].registers[r] = replacement }
            for slot in 0..<StackState.slotCount {
                if let spilled = state.frames[f].stack.slots[slot].spilled, matches(spilled) {
                    state.frames[f].stack.slots[slot].spilled = .unknownScalar
                }
            }
        }
    }

    func stepLocalCall(_ insn: Instruction) throws(VerificationError) -> StepOutcome {
        guard let target = Self.target(program, index) else { throw error("invalid call target") }
        guard state.frames.count < 8 else {
            throw error("the call stack of \(state.frames.count + 1) frames is too deep !")
        }
        var callee = FrameState(callSite: index, functionStart: target)
        for r in 1...5 { callee.registers[r] = register(r) }
        callee.registers[10] = .pointer(.stack(frame: state.frames.count))
        for r in 0...5 { setRegister(r, .notInitialized) }
        state.frames.append(callee)
        try checkCombinedStack()
        return .jump(to: target)
    }

    func stepExit() throws(VerificationError) -> StepOutcome {
        let result: RegisterState
        if state.depth > 0 {
            // prepare_func_exit: R0 goes back as it is (a static function need not set it), but a
            // pointer into the dying frame may not.
            let result = register(0)
            if case .stack(let frame) = result.type, frame == state.depth {
                throw error("cannot return stack pointer to the caller")
            }
            let callSite = state.current.callSite
            state.frames.removeLast()
            setRegister(0, result)
            for r in 1...5 { setRegister(r, .notInitialized) }
            return .jump(to: callSite + 1)
        }
        result = try read(0)
        if result.isPointer && options.strict {
            throw error("R0 leaks addr as return value", hint: "return a number (a TC_ACT_* verdict), not a pointer")
        }
        if let (id, site) = state.references.min(by: { $0.key < $1.key }) {
            throw error("Unreleased reference id=\(id) alloc_insn=\(program.slotIndex(ofInstruction: site))",
                        hint: "every bpf_ringbuf_reserve needs a bpf_ringbuf_submit or bpf_ringbuf_discard on every path, the NULL path excepted")
        }
        return .pathEnd
    }

    /// `check_max_stack_depth` along the current call chain: each frame counts its depth rounded
    /// up to 32 bytes (at least 32), 512 in all.
    private func checkCombinedStack() throws(VerificationError) {
        var total = 0
        for frame in state.frames {
            let depth = stackDepths[frame.functionStart] ?? 0
            total += (max(depth, 1) + 31) / 32 * 32
        }
        if total > StackState.byteCount {
            throw error("combined stack size of \(state.frames.count) calls is \(total). Too large")
        }
    }

    func stepLoadImmediate(_ insn: Instruction, _ source: LoadImmediateSource) throws(VerificationError) {
        let d = Int(insn.dst)
        try checkWritable(d)
        switch source {
        case .value:
            setRegister(d, .constant(UInt64(bitPattern: insn.imm)))
        case .mapFD, .mapIndex:
            let map = Int(UInt32(truncatingIfNeeded: insn.imm))
            guard map < maps.count else { throw error("fd \(map) is not pointing to valid bpf_map") }
            setRegister(d, .pointer(.mapPointer(index: map)))
        case .mapValue, .mapIndexValue:
            let map = Int(UInt32(truncatingIfNeeded: insn.imm))
            guard map < maps.count else { throw error("fd \(map) is not pointing to valid bpf_map") }
            let offset = Int(UInt32(truncatingIfNeeded: insn.imm >> 32))
            let info = maps[map]
            guard info.type == .array, info.maxEntries == 1 else {
                throw error("map '\(info.name)' doesn't support direct value access")
            }
            guard offset < info.valueSize else { throw error("direct value offset of \(offset) is not allowed") }
            var value = RegisterState.pointer(.mapValue(index: map))
            value.offset = Int32(offset)
            setRegister(d, value)
        case .codeAddress:
            throw error("callback functions (ld_imm64 src 4) are not supported yet")
        case .variableAddress:
            throw error("kernel variables (ld_imm64 src 3) are not available in skbpf")
        }
    }

    func stepPacketLoad(_ insn: Instruction, size: AccessSize, indirect: Bool) throws(VerificationError) {
        if !type.mayUseLegacyPacketLoads { throw error("BPF_LD_[ABS|IND] instructions not allowed for this program type") }
        if !state.references.isEmpty { throw error("BPF_LD_[ABS|IND] cannot be mixed with socket references") }
        if state.depth > 0 { throw error("BPF_LD_[ABS|IND] instructions cannot be used in subprograms here") }
        let context = try read(6)
        guard context.type == .context else { throw error("at the time of BPF_LD_ABS|IND R6 != pointer to skb") }
        if indirect { _ = try read(Int(insn.src)) }
        for r in 1...5 { setRegister(r, .notInitialized) }
        let maximum: UInt64 = size == .word ? UInt64(UInt32.max) : (1 << UInt64(size.byteCount * 8)) - 1
        setRegister(0, .scalar(ScalarBounds.unsignedRange(0, maximum)))
    }

    /// One instruction.
    func step() throws(VerificationError) -> StepOutcome {
        let insn = program.instructions[index]
        switch kinds[index] {
        case .alu(let op, let is64, let source, let signed):
            try stepALU(insn, op, is64: is64, source: source, signed: signed)
        case .moveSignExtend(let bits, let is64):
            try stepMoveSignExtend(insn, fromBits: bits, is64: is64)
        case .byteSwap(let conversion, let bits):
            try stepByteSwap(insn, conversion: conversion, bits: bits)
        case .jumpAlways:
            return .jump(to: Self.target(program, index)!)
        case .jump(let op, let is32, let source):
            return try stepJump(insn, op, is32: is32, source: source)
        case .call(.helper):
            return try stepHelperCall(insn)
        case .call(.local):
            return try stepLocalCall(insn)
        case .call(.kernelFunction):
            throw error("kernel function calls are not supported")
        case .callRegister:
            throw error("BPF_CALL uses reserved fields")
        case .exit:
            return try stepExit()
        case .loadImmediate64(let source):
            try stepLoadImmediate(insn, source)
        case .load(let size, let signExtend):
            try stepLoad(insn, size: size, signExtend: signExtend)
        case .store(let size, let source):
            try stepStore(insn, size: size, source: source)
        case .atomic(let op, let fetch, let size):
            try stepAtomic(insn, op, fetch: fetch, size: size)
        case .packetLoad(let size, let indirect):
            try stepPacketLoad(insn, size: size, indirect: indirect)
        }
        return .next
    }
}
