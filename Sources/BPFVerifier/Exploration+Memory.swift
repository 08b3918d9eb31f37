import BPFABI
import BPFISA

// Loads, stores and atomics: `check_mem_access` for each pointer type — stack (spills and fills
// of registers, byte kinds), context (BPFABI's field rules), packet (the proven range), map values
// (bounds, read-only maps), ring buffer records.

extension Exploration {
    /// What a store writes.
    enum StoredValue {
        case register(RegisterState)
        case immediate(Int64)

        var scalar: RegisterState {
            switch self {
            case .register(let r): r
            case .immediate(let v): .constant(UInt64(bitPattern: v))
            }
        }
    }

    func stepLoad(_ insn: Instruction, size: AccessSize, signExtend: Bool) throws(VerificationError) {
        let d = Int(insn.dst), s = Int(insn.src)
        let pointer = try read(s)
        try checkWritable(d)
        var loaded = try access(register: s, pointer, offset: Int(insn.offset), size: size.byteCount, write: nil)
        if loaded.isScalar {
            if signExtend {
                loaded.bounds = loaded.bounds.signExtended(fromBytes: size.byteCount)
            } else if size.byteCount < 8 {
                loaded.bounds = loaded.bounds.truncated(toBytes: size.byteCount)
            }
        }
        setRegister(d, loaded)
    }

    func stepStore(_ insn: Instruction, size: AccessSize, source: OperandSource) throws(VerificationError) {
        let d = Int(insn.dst)
        let pointer = try read(d)
        var value: StoredValue = source == .register ? .register(try read(Int(insn.src))) : .immediate(insn.imm)
        // A scalar spilled at a slot's start shares a link with the register it came from.
        if case .register(let stored) = value, stored.isScalar, case .stack = pointer.type,
           let variable = pointer.bounds.constantValue,
           (Int64(pointer.offset) + Int64(bitPattern: variable) + Int64(insn.offset)) & 7 == 0,
           Self.fits(stored.bounds, bytes: size.byteCount) {
            let linked = linkedForCopy(stored)
            setRegister(Int(insn.src), linked)
            value = .register(linked)
        }
        if source == .immediate, pointer.type == .context {
            // BPF_ST into the context is refused the same way as STX for fields that cannot be written.
        }
        _ = try access(register: d, pointer, offset: Int(insn.offset), size: size.byteCount, write: value,
                       storeImmediate: source == .immediate)
    }

    func stepAtomic(_ insn: Instruction, _ op: AtomicOperation, fetch: Bool, size: AccessSize) throws(VerificationError) {
        let d = Int(insn.dst), s = Int(insn.src)
        let pointer = try read(d)
        let value = try read(s)
        if op == .compareExchange { _ = try read(0) }
        switch pointer.type {
        case .context, .packet, .packetMeta, .packetEnd:
            throw error("BPF_ATOMIC stores into R\(d) \(pointer.typeName) is not allowed")
        default: break
        }
        if value.isPointer && options.strict { throw error("R\(s) leaks addr into mem") }
        _ = try access(register: d, pointer, offset: Int(insn.offset), size: size.byteCount, write: nil)
        _ = try access(register: d, pointer, offset: Int(insn.offset), size: size.byteCount, write: .register(.unknownScalar))
        let old = RegisterState.scalar(size == .doubleWord ? .unknown : .unsignedRange(0, UInt64(UInt32.max)))
        if op == .compareExchange {
            setRegister(0, old)
        } else if fetch || op == .exchange {
            try checkWritable(s)
            setRegister(s, old)
        }
    }

    /// Checks one access through `pointer` (register `regno`) at `offset` + the pointer's own
    /// offset, of `size` bytes; a store when `write` is set. Returns what a load produces.
    func access(register regno: Int, _ pointer: RegisterState, offset: Int, size: Int, write: StoredValue?,
                storeImmediate: Bool = false) throws(VerificationError) -> RegisterState {
        let isWrite = write != nil
        if pointer.maybeNull {
            throw error("R\(regno) invalid mem access '\(pointer.typeName)'",
                        hint: "the pointer may be NULL here: check it (if (!p) return ...) before this access")
        }
        switch pointer.type {
        case .notInitialized, .scalar:
            throw error("R\(regno) invalid mem access 'scalar'",
                        hint: stalePacketPointerHint(regno)
                            ?? (pointer.isScalar ? "R\(regno) holds a number, not a pointer (a packet pointer is invalidated by helpers that change the packet: load skb->data again after the call)" : nil))
        case .mapPointer, .packetEnd:
            throw error("R\(regno) invalid mem access '\(pointer.typeName)'")
        case .stack(let frame):
            return try stackAccess(regno, pointer, frame: frame, offset: offset, size: size, write: write)
        case .context:
            return try contextAccess(regno, pointer, offset: offset, size: size, write: write, storeImmediate: storeImmediate)
        case .packet, .packetMeta:
            if isWrite && !type.mayWritePacket { throw error("cannot write into packet") }
            try packetAccess(regno, pointer, offset: offset, size: size)
            if isWrite { writesPacket = true }
            if case .register(let value)? = write, value.isPointer, options.strict { throw error("R\(regno) leaks addr into packet") }
            return .unknownScalar
        case .mapValue(let index):
            let map = maps[index]
            if isWrite && map.isReadOnly {
                throw error("write into map forbidden, value_size=\(map.valueSize) off=\(Int(pointer.offset) + offset) size=\(size)")
            }
            try regionAccess(regno, pointer, offset: offset, size: size, regionSize: map.valueSize,
                             describe: { "invalid access to map value, value_size=\(map.valueSize) off=\($0) size=\(size)" })
            if case .register(let value)? = write, value.isPointer, options.strict { throw error("R\(regno) leaks addr into map") }
            return .unknownScalar
        case .ringbufMemory(let bytes):
            try regionAccess(regno, pointer, offset: offset, size: size, regionSize: bytes,
                             describe: { "invalid access to memory, mem_size=\(bytes) off=\($0) size=\(size)" })
            return .unknownScalar
        case .socket(let view):
            // check_mem_access for sk pointers, then check_sock_access.
            if isWrite { throw error("R\(regno) cannot write into \(pointer.typeName)") }
            if pointer.bounds.smin < 0 {
                throw error("R\(regno) min value is negative, either use unsigned index or do a if (index >=0) check.")
            }
            let off = Int(pointer.offset) + offset
            guard view.allowsRead(offset: off, size: size) else {
                throw error("R\(regno) invalid \(pointer.typeName) access off=\(off) size=\(size)")
            }
            return .unknownScalar
        }
    }

    /// `check_packet_access`: the bytes must lie inside the range a `data_end` comparison proved.
    private func packetAccess(_ regno: Int, _ pointer: RegisterState, offset: Int, size: Int) throws(VerificationError) {
        if pointer.bounds.smin < 0 {
            throw error("R\(regno) min value is negative, either use unsigned index or do a if (index >=0) check.")
        }
        let off = Int(pointer.offset) + offset
        let range = Int(pointer.range)
        if off < 0 || size > range - off {
            let base = pointer.bounds.constantValue == 0 ? "data" : "the pointer"
            let variable = pointer.bounds.constantValue == nil
            throw error("invalid access to packet, off=\(off) size=\(size), R\(regno)(id=\(pointer.id),off=\(off),r=\(range))\nR\(regno) offset is outside of the packet",
                        hint: variable
                            ? "the pointer has a variable offset: compare it (after adding the offset) with data_end, e.g. if (p + \(off + size) > data_end) return ..., before this read"
                            : "check `\(base) + \(off + size) <= data_end` before this \(size)-byte access at offset \(off)")
        }
    }

    /// `check_mem_region_access`: a fixed-size region (map value, ring buffer record), with the
    /// pointer's variable offset at its lowest and its highest.
    func regionAccess(_ regno: Int, _ pointer: RegisterState, offset: Int, size: Int, regionSize: Int,
                              describe: (Int) -> String) throws(VerificationError) {
        let off = Int64(pointer.offset) + Int64(offset)
        let smin = pointer.bounds.smin
        if smin < 0 && (smin == Int64.min || off + smin < 0) {
            throw error("R\(regno) min value is negative, either use unsigned index or do a if (index >=0) check.",
                        hint: "check that the index is not negative (or use an unsigned type) before adding it")
        }
        let low = off + max(smin, 0)
        if low < 0 || Int64(size) > Int64(regionSize) - low {
            throw error(describe(Int(low)) + (pointer.bounds.constantValue == nil ? "\nR\(regno) min value is outside of the allowed memory range" : ""))
        }
        let umax = pointer.bounds.umax
        if umax >= UInt64(Self.maxVariableOffset) {
            throw error("R\(regno) unbounded memory access, make sure to bounds check any such access",
                        hint: "compare the index with the value size before using it")
        }
        let high = off + Int64(umax)
        if Int64(size) > Int64(regionSize) - high {
            throw error(describe(Int(high)) + "\nR\(regno) max value is outside of the allowed memory range",
                        hint: "the index can reach \(umax): check it against \(regionSize - size - Int(off)) before this access")
        }
    }

    /// Context loads and stores: the pointer must be unmodified, the field rules are BPFABI's.
    private func contextAccess(_ regno: Int, _ pointer: RegisterState, offset: Int, size: Int, write: StoredValue?,
                               storeImmediate: Bool) throws(VerificationError) -> RegisterState {
        if pointer.offset != 0 || pointer.bounds.constantValue != 0 {
            if pointer.bounds.constantValue == nil {
                throw error("variable ctx access var_off=\(pointer.bounds.tnum) disallowed")
            }
            throw error("dereference of modified ctx ptr R\(regno) off=\(pointer.offset) disallowed")
        }
        guard let accessSize = AccessSize(byteCount: size) else { throw error("invalid bpf_context access off=\(offset) size=\(size)") }
        let kind: ContextAccessKind = write == nil ? .read : .write(storeImmediate: storeImmediate)
        if !type.hasSkBuffContext {
            // struct xdp_md: nothing to translate (skbpf does not run xdp programs).
            switch xdpContextAccess(offset: offset, size: accessSize, kind: kind) {
            case .failure(let refusal): throw error(refusal.description, hint: refusal.explanation)
            case .success(.pointer(.packet)): return .pointer(.packet)
            case .success(.pointer(.packetEnd)): return .pointer(.packetEnd)
            case .success(.pointer(.packetMeta)): return .pointer(.packetMeta)
            case .success: return .scalar(.unsignedRange(0, UInt64(UInt32.max)))
            }
        }
        switch BPFABI.contextAccess(programType: type, offset: offset, size: accessSize, kind: kind) {
        case .failure(let refusal):
            throw error(refusal.description, hint: refusal.explanation)
        case .success(let access):
            contextAccesses[index] = access
            if case .register(let value)? = write, value.isPointer, options.strict { throw error("R\(regno) leaks addr into ctx") }
            guard let read = access.read else { return .unknownScalar }
            switch read {
            case .pointer(let pointer):
                switch pointer {
                case .packet: return .pointer(.packet)
                case .packetEnd: return .pointer(.packetEnd)
                case .packetMeta: return .pointer(.packetMeta)
                case .sockCommonOrNull:
                    var socket = RegisterState.pointer(.socket(.common), maybeNull: true)
                    socket.id = newID()
                    return socket
                }
            default:
                let bytes = min(size, access.field.valueByteCount)
                return .scalar(bytes >= 8 ? .unknown : .unsignedRange(0, (1 << UInt64(bytes * 8)) - 1))
            }
        }
    }

    /// Stack accesses: bounds, alignment, spills and fills.
    private func stackAccess(_ regno: Int, _ pointer: RegisterState, frame: Int, offset: Int, size: Int,
                             write: StoredValue?) throws(VerificationError) -> RegisterState {
        let isWrite = write != nil
        let base = Int64(pointer.offset) + Int64(offset)
        let variable = pointer.bounds.constantValue == nil
        let low = base + (variable ? pointer.bounds.smin : Int64(bitPattern: pointer.bounds.constantValue!))
        let high = base + (variable ? pointer.bounds.smax : Int64(bitPattern: pointer.bounds.constantValue!))
        let verb = isWrite ? "write to" : "read from"
        if variable {
            if options.strict { throw error("R\(regno) variable stack access prohibited for !root, var_off=\(pointer.bounds.tnum) off=\(base)") }
            if pointer.bounds.smax >= Self.maxVariableOffset || pointer.bounds.smin <= -Self.maxVariableOffset {
                throw error("invalid unbounded variable-offset \(verb) stack R\(regno)")
            }
            if low < -Int64(StackState.byteCount) || high + Int64(size) > 0 || pointer.bounds.smin == Int64.min {
                throw error("invalid variable-offset \(isWrite ? "write to" : "read from") stack R\(regno) var_off=\(pointer.bounds.tnum) off=\(base) size=\(size)")
            }
        } else if low < -Int64(StackState.byteCount) || low + Int64(size) > 0 || size == 0 {
            throw error("invalid \(verb) stack R\(regno) off=\(low) size=\(size)")
        }
        if !variable && low % Int64(size) != 0 {
            throw error("misaligned stack access off \(pointer.bounds.tnum)+\(pointer.offset)+\(offset) size \(size)")
        }
        let frameIndex = frame
        var stack = state.frames[frameIndex].stack
        stack.depth = max(stack.depth, Int(-low))
        defer {
            state.frames[frameIndex].stack = stack
            let start = state.frames[frameIndex].functionStart
            stackDepths[start] = max(stackDepths[start] ?? 0, stack.depth)
        }
        if let write {
            if variable {
                // Every byte the access may touch becomes unknown (or zero when zero is written).
                let isZero = write.scalar.bounds.constantValue == 0 && write.scalar.isScalar
                for byteOffset in low..<(high + Int64(size)) {
                    let (slot, byte) = StackState.position(Int(byteOffset))
                    if stack.slots[slot].spilled != nil { stack.slots[slot].spilled = nil; stack.slots[slot].kinds = 0x5555 }
                    stack.slots[slot].setKind(byte, isZero ? .zero : .misc)
                }
                return .unknownScalar
            }
            let value = write.scalar
            let (slot, byteInSlot) = StackState.position(Int(low))
            markStoreBarrier(stack.slots[slot], size: size, storesPointer: value.isPointer)
            if value.isPointer && size != 8 { throw error("invalid size of register spill") }
            if size == 8 {
                // An immediate at a slot's start, zero too, is a spill of a known scalar
                // (check_stack_write_fixed_off's fake register): the log shows `fp-8=0`, not
                // `fp-8=00000000`, and a 4-byte key there is not a constant (spill size 8).
                stack.slots[slot] = StackSlot(kinds: 0xffff, spilled: value)
                return .unknownScalar
            }
            // A narrower scalar spill at the start of a slot (`save_register_state` with its size):
            // a register or an immediate (zero too: `*(u32 *)(r10 -8) = 0` logs `fp-8=????0`); the
            // slot keeps the whole value (a fill of the same width gets it back, and a constant key
            // there is a constant), the bytes it does not cover stay zero or unwritten, else misc.
            if byteInSlot == 0, value.isScalar {
                var spilled = value
                if !Self.fits(value.bounds, bytes: size) { spilled.id = 0 }  // a narrowing spill breaks the link
                var contents = stack.slots[slot]
                for byte in 0..<8 {
                    if byte < size {
                        contents.setKind(byte, .spill)
                    } else if contents.kind(byte) == .spill {
                        contents.setKind(byte, .misc)
                    }
                }
                contents.spilled = spilled
                stack.slots[slot] = contents
                return .unknownScalar
            }
            // A narrower write: the bytes become misc (zero for a known zero), a spill there is gone.
            if stack.slots[slot].spilled != nil {
                stack.slots[slot].spilled = nil
                for byte in 0..<8 where stack.slots[slot].kind(byte) == .spill { stack.slots[slot].setKind(byte, .misc) }
            }
            let isZero = value.isScalar && value.bounds.constantValue == 0
            for byteOffset in low..<(low + Int64(size)) {
                let (s, byte) = StackState.position(Int(byteOffset))
                stack.slots[s].setKind(byte, isZero ? .zero : .misc)
            }
            return .unknownScalar
        }
        // Reads.
        if variable {
            for byteOffset in low..<(high + Int64(size)) {
                let (slot, byte) = StackState.position(Int(byteOffset))
                if stack.slots[slot].kind(byte) == .invalid && options.strict {
                    throw error("invalid variable-offset read from stack R\(regno) var_off=\(pointer.bounds.tnum) off=\(base) size=\(size)")
                }
            }
            return .unknownScalar
        }
        let (slot, byteInSlot) = StackState.position(Int(low))
        let contents = stack.slots[slot]
        // check_stack_read_fixed_off: a slot whose first byte is a spill holds a register.
        if let spilled = contents.spilled, contents.kind(0) == .spill {
            var spillSize = 1
            while spillSize < 8 && contents.kind(spillSize) == .spill { spillSize += 1 }
            if size == 8 && spillSize == 8 { return spilled }
            guard spilled.isScalar else { throw error("invalid size of register fill") }
            if size <= spillSize && byteInSlot == 0 {
                // The register comes back (the load narrows it); a narrowing fill is no copy, a
                // 4-byte fill of a 4-byte spill is one.
                var filled = spilled
                if size == 4 && spillSize == 4 && Self.fits(spilled.bounds, bytes: 4) {
                    filled = linkedForCopy(spilled)
                    stack.slots[slot].spilled = filled
                }
                if !Self.fits(spilled.bounds, bytes: size) { filled.id = 0 }
                return filled
            }
            // Anything else reads the bytes: all of a zero spill or all zero bytes are 0.
            var spillBytes = 0, zeroBytes = 0
            for byteOffset in low..<(low + Int64(size)) {
                let (s, byte) = StackState.position(Int(byteOffset))
                switch stack.slots[s].kind(byte) {
                case .spill: spillBytes += 1
                case .zero: zeroBytes += 1
                case .misc: break
                case .invalid:
                    if options.strict { throw error("invalid read from stack off \(low)+\(byteOffset - low) size \(size)") }
                }
            }
            if (spillBytes == size && spilled.bounds.constantValue == 0) || zeroBytes == size { return .constant(0) }
            return .unknownScalar
        }
        var allZero = true
        for byteOffset in low..<(low + Int64(size)) {
            let (s, byte) = StackState.position(Int(byteOffset))
            let kind = stack.slots[s].kind(byte)
            if kind != .zero { allZero = false }
            if kind == .invalid && options.strict {
                throw error("invalid read from stack off \(low)+\(byteOffset - low) size \(size)",
                            hint: "this stack byte was never written on this path: initialise it first")
            }
            if kind == .spill, stack.slots[s].spilled?.isPointer == true {
                if options.strict { throw error("invalid size of register fill") }
            }
        }
        return allZero ? .constant(0) : .unknownScalar
    }

    /// Spectre v4 (speculative store bypass), as check_stack_write_fixed_off sanitises it for an
    /// unprivileged loader: a store of a pointer, or one over bytes that were not all misc or
    /// zero, gets a barrier after it (``storeBarriers``). As in the kernel, the bytes looked at
    /// are the slot's first `size` from its top (fp-1 down), whichever bytes the store writes.
    func markStoreBarrier(_ slot: StackSlot, size: Int, storesPointer: Bool) {
        guard options.strict, !storeBarriers[index] else { return }
        var needed = storesPointer
        for byte in 0..<size where !needed {
            let kind = slot.kind(7 - byte)
            if kind != .misc && kind != .zero { needed = true }
        }
        if needed { storeBarriers[index] = true }
    }

    /// True when every value `bounds` allows fits in `bytes` bytes (`get_reg_width`), so a spill
    /// or fill of that width loses nothing.
    static func fits(_ bounds: ScalarBounds, bytes: Int) -> Bool {
        bytes >= 8 || bounds.umax < (1 << UInt64(bytes * 8))
    }

    /// Checks that a helper may read (or, with `write`, fill) `size` bytes at `pointer` (`check_helper_mem_access`),
    /// and for stack memory that a read's bytes were written (`check_stack_range_initialized`).
    func helperMemoryAccess(_ regno: Int, _ pointer: RegisterState, size: Int, write: Bool, helper: HelperID,
                            variableSize: Bool = false) throws(VerificationError) {
        if size == 0 { return }
        switch pointer.type {
        case .stack(let frame):
            let base = Int64(pointer.offset)
            guard let constant = pointer.bounds.constantValue else {
                if options.strict { throw error("R\(regno) variable stack access prohibited for !root") }
                return
            }
            let low = base + Int64(bitPattern: constant)
            if low < -Int64(StackState.byteCount) || low + Int64(size) > 0 {
                throw error("invalid indirect access to stack R\(regno) off=\(low) size=\(size)")
            }
            var stack = state.frames[frame].stack
            stack.depth = max(stack.depth, Int(-low))
            for byteOffset in low..<(low + Int64(size)) {
                let (s, byte) = StackState.position(Int(byteOffset))
                if write {
                    // The kernel checks the helper's stores one byte at a time (check_helper_call).
                    markStoreBarrier(stack.slots[s], size: 1, storesPointer: false)
                    if stack.slots[s].spilled != nil { stack.slots[s].spilled = nil; stack.slots[s].kinds = 0x5555 }
                    stack.slots[s].setKind(byte, .misc)
                } else if stack.slots[s].kind(byte) == .invalid && options.strict {
                    // A privileged loader may pass uninitialised stack; an unprivileged one may not.
                    throw error(variableSize ? "invalid read from stack R\(regno) off \(low)+\(byteOffset - low) size \(size)"
                                             : "invalid read from stack R\(regno) off=\(low) size=\(size)",
                                hint: "\(helper.kernelName) reads \(size) bytes at fp\(low) that were never written on this path: initialise them (e.g. = {} or __builtin_memset) first")
                } else if stack.slots[s].kind(byte) == .invalid {
                    stack.slots[s].setKind(byte, .misc)
                }
            }
            state.frames[frame].stack = stack
            let start = state.frames[frame].functionStart
            stackDepths[start] = max(stackDepths[start] ?? 0, stack.depth)
        case .packet, .packetMeta:
            if write && !type.mayWritePacket { throw error("cannot write into packet") }
            try packetAccess(regno, pointer, offset: 0, size: size)
            if write { writesPacket = true }
        case .mapValue(let index):
            let map = maps[index]
            if write && map.isReadOnly {
                throw error("write into map forbidden, value_size=\(map.valueSize) off=\(pointer.offset) size=\(size)")
            }
            if pointer.maybeNull { throw error("R\(regno) type=\(pointer.typeName) expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_") }
            try regionAccess(regno, pointer, offset: 0, size: size, regionSize: map.valueSize,
                             describe: { "invalid access to map value, value_size=\(map.valueSize) off=\($0) size=\(size)" })
        case .ringbufMemory(let bytes):
            if pointer.maybeNull { throw error("R\(regno) type=\(pointer.typeName) expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_") }
            try regionAccess(regno, pointer, offset: 0, size: size, regionSize: bytes,
                             describe: { "invalid access to memory, mem_size=\(bytes) off=\($0) size=\(size)" })
        default:
            throw error("R\(regno) type=\(pointer.typeName) expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_")
        }
    }
}
