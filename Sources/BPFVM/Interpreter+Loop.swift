import PacketBuffer

// The interpreter's hot loop: one function, state in locals and raw pointers, a `switch` over
// pre-decoded ops (STYLE §4; kernel `___bpf_prog_run`). No throws, closures, protocols or
// arrays inside: a fault records its details in `state` and returns a status code.

extension Interpreter {
    @inline(__always)
    static func execute(
        _ ops: UnsafePointer<Op>, _ r: UnsafeMutablePointer<UInt64>, _ state: inout RunState, checked: Bool
    ) -> RunStatus {
        var pc = ops
        var executed = 0
        let budget = state.budget
        var checker = state.checker
        let context = state.context
        let controlBlock = state.controlBlock
        // A fault breaks out of the loop with its details in these locals. (Nested functions that
        // capture `pc` or `executed` would force them into memory, with exclusivity checks, on
        // every op: 26 machine instructions per op instead of about 10.)
        var status = RunStatus.returned
        var faultAddress: UInt64 = 0
        var faultSize = 0
        var faultIsWrite = false

        loop: while true {
            let op = pc.pointee
            pc += 1
            executed &+= 1
            if checked && executed > budget { status = .budgetExhausted; faultAddress = 0; faultSize = 0; faultIsWrite = false; break loop }
            let d = Int(op.dst), s = Int(op.src)
            switch op.code {
            // ALU64
            case .add64I: r[d] &+= op.imm
            case .add64R: r[d] &+= r[s]
            case .sub64I: r[d] &-= op.imm
            case .sub64R: r[d] &-= r[s]
            case .mul64I: r[d] &*= op.imm
            case .mul64R: r[d] &*= r[s]
            case .div64I: r[d] = op.imm == 0 ? 0 : r[d] / op.imm
            case .div64R: r[d] = r[s] == 0 ? 0 : r[d] / r[s]
            case .sdiv64I: r[d] = signedDivide64(r[d], op.imm)
            case .sdiv64R: r[d] = signedDivide64(r[d], r[s])
            case .or64I: r[d] |= op.imm
            case .or64R: r[d] |= r[s]
            case .and64I: r[d] &= op.imm
            case .and64R: r[d] &= r[s]
            case .lsh64I: r[d] &<<= op.imm
            case .lsh64R: r[d] &<<= r[s]
            case .rsh64I: r[d] &>>= op.imm
            case .rsh64R: r[d] &>>= r[s]
            case .neg64: r[d] = 0 &- r[d]
            case .mod64I: if op.imm != 0 { r[d] %= op.imm }
            case .mod64R: if r[s] != 0 { r[d] %= r[s] }
            case .smod64I: r[d] = signedModulo64(r[d], op.imm)
            case .smod64R: r[d] = signedModulo64(r[d], r[s])
            case .xor64I: r[d] ^= op.imm
            case .xor64R: r[d] ^= r[s]
            case .mov64I: r[d] = op.imm
            case .mov64R: r[d] = r[s]
            case .arsh64I: r[d] = UInt64(bitPattern: Int64(bitPattern: r[d]) &>> op.imm)
            case .arsh64R: r[d] = UInt64(bitPattern: Int64(bitPattern: r[d]) &>> r[s])
            // ALU32
            case .add32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &+ UInt32(truncatingIfNeeded: op.imm))
            case .add32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &+ UInt32(truncatingIfNeeded: r[s]))
            case .sub32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &- UInt32(truncatingIfNeeded: op.imm))
            case .sub32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &- UInt32(truncatingIfNeeded: r[s]))
            case .mul32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &* UInt32(truncatingIfNeeded: op.imm))
            case .mul32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &* UInt32(truncatingIfNeeded: r[s]))
            case .div32I: r[d] = unsignedDivide32(r[d], op.imm)
            case .div32R: r[d] = unsignedDivide32(r[d], r[s])
            case .sdiv32I: r[d] = signedDivide32(r[d], op.imm)
            case .sdiv32R: r[d] = signedDivide32(r[d], r[s])
            case .or32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d] | op.imm))
            case .or32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d] | r[s]))
            case .and32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d] & op.imm))
            case .and32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d] & r[s]))
            case .lsh32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &<< UInt32(truncatingIfNeeded: op.imm))
            case .lsh32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &<< UInt32(truncatingIfNeeded: r[s]))
            case .rsh32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &>> UInt32(truncatingIfNeeded: op.imm))
            case .rsh32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) &>> UInt32(truncatingIfNeeded: r[s]))
            case .neg32: r[d] = UInt64(0 &- UInt32(truncatingIfNeeded: r[d]))
            case .mod32I: r[d] = unsignedModulo32(r[d], op.imm)
            case .mod32R: r[d] = unsignedModulo32(r[d], r[s])
            case .smod32I: r[d] = signedModulo32(r[d], op.imm)
            case .smod32R: r[d] = signedModulo32(r[d], r[s])
            case .xor32I: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d] ^ op.imm))
            case .xor32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d] ^ r[s]))
            case .mov32I: r[d] = UInt64(UInt32(truncatingIfNeeded: op.imm))
            case .mov32R: r[d] = UInt64(UInt32(truncatingIfNeeded: r[s]))
            case .arsh32I:
                r[d] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: r[d]) &>> Int32(truncatingIfNeeded: op.imm)))
            case .arsh32R:
                r[d] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: r[d]) &>> Int32(truncatingIfNeeded: r[s])))
            case .movsx8to64: r[d] = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: r[s])))
            case .movsx16to64: r[d] = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: r[s])))
            case .movsx32to64: r[d] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: r[s])))
            case .movsx8to32: r[d] = UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: r[s]))))
            case .movsx16to32: r[d] = UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: r[s]))))
            case .truncate16: r[d] = r[d] & 0xffff
            case .truncate32: r[d] = r[d] & 0xffff_ffff
            case .swap16: r[d] = UInt64(UInt16(truncatingIfNeeded: r[d]).byteSwapped)
            case .swap32: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]).byteSwapped)
            case .swap64: r[d] = r[d].byteSwapped
            case .nop: break
            // Jumps
            case .ja: pc += Int(op.offset)
            case .jeq64I: if r[d] == op.imm { pc += Int(op.offset) }
            case .jeq64R: if r[d] == r[s] { pc += Int(op.offset) }
            case .jeq32I: if UInt32(truncatingIfNeeded: r[d]) == UInt32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jeq32R: if UInt32(truncatingIfNeeded: r[d]) == UInt32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jgt64I: if r[d] > op.imm { pc += Int(op.offset) }
            case .jgt64R: if r[d] > r[s] { pc += Int(op.offset) }
            case .jgt32I: if UInt32(truncatingIfNeeded: r[d]) > UInt32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jgt32R: if UInt32(truncatingIfNeeded: r[d]) > UInt32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jge64I: if r[d] >= op.imm { pc += Int(op.offset) }
            case .jge64R: if r[d] >= r[s] { pc += Int(op.offset) }
            case .jge32I: if UInt32(truncatingIfNeeded: r[d]) >= UInt32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jge32R: if UInt32(truncatingIfNeeded: r[d]) >= UInt32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jne64I: if r[d] != op.imm { pc += Int(op.offset) }
            case .jne64R: if r[d] != r[s] { pc += Int(op.offset) }
            case .jne32I: if UInt32(truncatingIfNeeded: r[d]) != UInt32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jne32R: if UInt32(truncatingIfNeeded: r[d]) != UInt32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jlt64I: if r[d] < op.imm { pc += Int(op.offset) }
            case .jlt64R: if r[d] < r[s] { pc += Int(op.offset) }
            case .jlt32I: if UInt32(truncatingIfNeeded: r[d]) < UInt32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jlt32R: if UInt32(truncatingIfNeeded: r[d]) < UInt32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jle64I: if r[d] <= op.imm { pc += Int(op.offset) }
            case .jle64R: if r[d] <= r[s] { pc += Int(op.offset) }
            case .jle32I: if UInt32(truncatingIfNeeded: r[d]) <= UInt32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jle32R: if UInt32(truncatingIfNeeded: r[d]) <= UInt32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jsgt64I: if Int64(bitPattern: r[d]) > Int64(bitPattern: op.imm) { pc += Int(op.offset) }
            case .jsgt64R: if Int64(bitPattern: r[d]) > Int64(bitPattern: r[s]) { pc += Int(op.offset) }
            case .jsgt32I: if Int32(truncatingIfNeeded: r[d]) > Int32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jsgt32R: if Int32(truncatingIfNeeded: r[d]) > Int32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jsge64I: if Int64(bitPattern: r[d]) >= Int64(bitPattern: op.imm) { pc += Int(op.offset) }
            case .jsge64R: if Int64(bitPattern: r[d]) >= Int64(bitPattern: r[s]) { pc += Int(op.offset) }
            case .jsge32I: if Int32(truncatingIfNeeded: r[d]) >= Int32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jsge32R: if Int32(truncatingIfNeeded: r[d]) >= Int32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jslt64I: if Int64(bitPattern: r[d]) < Int64(bitPattern: op.imm) { pc += Int(op.offset) }
            case .jslt64R: if Int64(bitPattern: r[d]) < Int64(bitPattern: r[s]) { pc += Int(op.offset) }
            case .jslt32I: if Int32(truncatingIfNeeded: r[d]) < Int32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jslt32R: if Int32(truncatingIfNeeded: r[d]) < Int32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jsle64I: if Int64(bitPattern: r[d]) <= Int64(bitPattern: op.imm) { pc += Int(op.offset) }
            case .jsle64R: if Int64(bitPattern: r[d]) <= Int64(bitPattern: r[s]) { pc += Int(op.offset) }
            case .jsle32I: if Int32(truncatingIfNeeded: r[d]) <= Int32(truncatingIfNeeded: op.imm) { pc += Int(op.offset) }
            case .jsle32R: if Int32(truncatingIfNeeded: r[d]) <= Int32(truncatingIfNeeded: r[s]) { pc += Int(op.offset) }
            case .jset64I: if r[d] & op.imm != 0 { pc += Int(op.offset) }
            case .jset64R: if r[d] & r[s] != 0 { pc += Int(op.offset) }
            case .jset32I: if UInt32(truncatingIfNeeded: r[d] & op.imm) != 0 { pc += Int(op.offset) }
            case .jset32R: if UInt32(truncatingIfNeeded: r[d] & r[s]) != 0 { pc += Int(op.offset) }
            // Calls
            case .callHelper:
                switch callHelper(state.helpers[Int(op.imm)], r, checker) {
                case .value(let value): r[0] = value
                case .stop(let value):
                    r[0] = value
                    break loop
                case .fault(let message):
                    state.faultHelper = Int(op.imm)
                    state.owner.faultMessage = message
                    status = .helperFault; faultAddress = 0; faultSize = 0; faultIsWrite = false; break loop
                }
            case .callRegister:
                guard let helper = state.owner.program.registry[Int32(truncatingIfNeeded: Int64(bitPattern: r[d]))],
                      Int64(bitPattern: r[d]) == Int64(Int32(truncatingIfNeeded: r[d]))
                else { status = .unknownHelper; faultAddress = r[d]; faultSize = 0; faultIsWrite = false; break loop }
                switch callHelper(helper, r, checker) {
                case .value(let value): r[0] = value
                case .stop(let value):
                    r[0] = value
                    break loop
                case .fault(let message):
                    state.faultHelper = -1
                    state.faultHelperID = Int32(truncatingIfNeeded: r[d])
                    state.owner.faultMessage = message
                    status = .helperFault; faultAddress = 0; faultSize = 0; faultIsWrite = false; break loop
                }
            case .callLocal:
                guard state.depth + 1 < Interpreter.maximumCallDepth else {
                    status = .callDepthExceeded; faultAddress = 0; faultSize = 0; faultIsWrite = false; break loop
                }
                state.frames[state.depth] = CallFrame(returnOp: ops.distance(to: pc), r6: r[6], r7: r[7], r8: r[8], r9: r[9])
                state.depth += 1
                r[10] &-= UInt64(Interpreter.stackFrameSize)
                checker.stackLow &-= UInt64(Interpreter.stackFrameSize)
                pc += Int(op.offset)
            case .exit:
                if state.depth == 0 { break loop }
                state.depth -= 1
                let frame = state.frames[state.depth]
                r[6] = frame.r6
                r[7] = frame.r7
                r[8] = frame.r8
                r[9] = frame.r9
                r[10] &+= UInt64(Interpreter.stackFrameSize)
                checker.stackLow &+= UInt64(Interpreter.stackFrameSize)
                pc = ops + frame.returnOp
            // Loads
            case .ldxb, .ldxh, .ldxw, .ldxdw, .ldxsb, .ldxsh, .ldxsw:
                let address = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                let size = loadSize(op.code)
                if checked && !checker.allows(address, size, write: false) {
                    status = .outOfBounds; faultAddress = address; faultSize = size; faultIsWrite = false; break loop
                }
                let p = Self.pointer(address)
                switch op.code {
                case .ldxb: r[d] = UInt64(p.load(as: UInt8.self))
                case .ldxh: r[d] = UInt64(p.loadUnaligned(as: UInt16.self))
                case .ldxw: r[d] = UInt64(p.loadUnaligned(as: UInt32.self))
                case .ldxdw: r[d] = p.loadUnaligned(as: UInt64.self)
                case .ldxsb: r[d] = UInt64(bitPattern: Int64(p.load(as: Int8.self)))
                case .ldxsh: r[d] = UInt64(bitPattern: Int64(p.loadUnaligned(as: Int16.self)))
                default: r[d] = UInt64(bitPattern: Int64(p.loadUnaligned(as: Int32.self)))
                }
            case .ldxbStack: r[d] = UInt64(Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).load(as: UInt8.self))
            case .ldxhStack:
                r[d] = UInt64(Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).loadUnaligned(as: UInt16.self))
            case .ldxwStack:
                r[d] = UInt64(Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).loadUnaligned(as: UInt32.self))
            case .ldxdwStack: r[d] = Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).loadUnaligned(as: UInt64.self)
            // Stores
            case .stb, .sth, .stw, .stdw, .stxb, .stxh, .stxw, .stxdw:
                let address = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                let size = storeSize(op.code)
                if checked && !checker.allows(address, size, write: true) {
                    status = .outOfBounds; faultAddress = address; faultSize = size; faultIsWrite = true; break loop
                }
                let p = Self.pointer(address)
                switch op.code {
                case .stb: p.storeBytes(of: UInt8(truncatingIfNeeded: op.imm), as: UInt8.self)
                case .sth: p.storeBytes(of: UInt16(truncatingIfNeeded: op.imm), as: UInt16.self)
                case .stw: p.storeBytes(of: UInt32(truncatingIfNeeded: op.imm), as: UInt32.self)
                case .stdw: p.storeBytes(of: op.imm, as: UInt64.self)
                case .stxb: p.storeBytes(of: UInt8(truncatingIfNeeded: r[s]), as: UInt8.self)
                case .stxh: p.storeBytes(of: UInt16(truncatingIfNeeded: r[s]), as: UInt16.self)
                case .stxw: p.storeBytes(of: UInt32(truncatingIfNeeded: r[s]), as: UInt32.self)
                default: p.storeBytes(of: r[s], as: UInt64.self)
                }
            case .stbStack:
                Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: UInt8(truncatingIfNeeded: op.imm), as: UInt8.self)
            case .sthStack:
                Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: UInt16(truncatingIfNeeded: op.imm), as: UInt16.self)
            case .stwStack:
                Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: UInt32(truncatingIfNeeded: op.imm), as: UInt32.self)
            case .stdwStack: Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: op.imm, as: UInt64.self)
            case .stxbStack:
                Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: UInt8(truncatingIfNeeded: r[s]), as: UInt8.self)
            case .stxhStack:
                Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: UInt16(truncatingIfNeeded: r[s]), as: UInt16.self)
            case .stxwStack:
                Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: UInt32(truncatingIfNeeded: r[s]), as: UInt32.self)
            case .stxdwStack: Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).storeBytes(of: r[s], as: UInt64.self)
            // Atomics: a single-threaded interpreter needs no hardware atomics for its own memory.
            case .atomicAdd32, .atomicAdd64, .atomicOr32, .atomicOr64, .atomicAnd32, .atomicAnd64,
                 .atomicXor32, .atomicXor64, .atomicFetchAdd32, .atomicFetchAdd64, .atomicFetchOr32,
                 .atomicFetchOr64, .atomicFetchAnd32, .atomicFetchAnd64, .atomicFetchXor32, .atomicFetchXor64,
                 .atomicXchg32, .atomicXchg64, .atomicCmpxchg32, .atomicCmpxchg64:
                let address = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                let size = atomicSize(op.code)
                if checked && !checker.allows(address, size, write: true) {
                    status = .outOfBounds; faultAddress = address; faultSize = size; faultIsWrite = true; break loop
                }
                atomic(op.code, Self.pointer(address), r, s)
            // `__sk_buff` accesses, proven valid at load time: no run-time checks.
            case .ctxLoadPacketStart:
                r[d] = UInt64(UInt(bitPattern: context.pointee.head)) &+ UInt64(UInt(bitPattern: context.pointee.dataOffset))
            case .ctxLoadPacketEnd:
                r[d] = UInt64(UInt(bitPattern: context.pointee.head)) &+ UInt64(UInt(bitPattern: context.pointee.tailOffset))
            case .ctxLoad: r[d] = contextLoad(op.imm, context, controlBlock)
            case .ctxStore: contextStore(op.imm, r[s], context, controlBlock)
            case .ctxStoreImm: contextStore(op.imm, UInt64(bitPattern: Int64(op.offset)), context, controlBlock)
            // Legacy packet loads
            case .ldAbsB, .ldAbsH, .ldAbsW, .ldIndB, .ldIndH, .ldIndW:
                if !packetLoad(op, r, state.packetStart, state.packetLength) {
                    r[0] = 0  // the kernel ends the program with 0 when the offset is outside the packet
                    break loop
                }
            }
        }
        state.executed = executed
        state.checker = checker
        if status != .returned {
            state.faultOp = ops.distance(to: pc) - 1
            state.faultAddress = faultAddress
            state.faultSize = faultSize
            state.faultIsWrite = faultIsWrite
        }
        return status
    }

    @inline(__always)
    static func pointer(_ address: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(address)).unsafelyUnwrapped
    }

    @inline(never)
    static func callHelper(_ helper: HelperFunction, _ r: UnsafeMutablePointer<UInt64>, _ checker: MemoryChecker) -> HelperResult {
        var call = HelperCall(r1: r[1], r2: r[2], r3: r[3], r4: r[4], r5: r[5], memory: checker)
        return helper.body(&call)
    }
}
