import PacketBuffer

// The interpreter's hot loop: one function, state in locals and raw pointers, a `switch` over
// pre-decoded ops (STYLE §4; kernel `___bpf_prog_run`). No throws, closures, protocols or
// arrays inside: a fault ends the loop with a status code, and the cold path that builds the
// trap (Interpreter.swift) reads what it needs from the faulting op and the registers, which a
// faulting op leaves untouched. That keeps fault details out of the loop's registers.
//
// Counting without a per-op counter: between taken jumps the ops run in a straight line, so
//
//     executed = (index of pc) - skew,    skew = sum of all pc adjustments (jumps, calls, returns)
//
// A taken jump adds its offset to both pc and skew; nothing else pays. The budget is checked
// where a run can come back to code it already ran: taken backward jumps and local calls
// (measured: a per-op increment and compare cost 0.5 ns of 1.5 ns per op on alu_loop).

extension Interpreter {
    @inline(__always)
    static func execute(
        _ entry: UnsafePointer<Op>, _ r: UnsafeMutablePointer<UInt64>, _ state: inout RunState, checked: Bool
    ) -> RunStatus {
        // The program running: the entry program, or one a tail call entered.
        var ops = entry
        var pc = ops
        var skew = 0
        let budget = state.budget
        var checker = state.checker
        let context = state.context
        let controlBlock = state.controlBlock
        var status = RunStatus.returned

        loop: while true {
            let op = pc.pointee
            pc += 1
            let d = Int(op.dst), s = Int(op.src)
            // Set by the jump cases only; every other case reaches the test below with the constant
            // `false`, which the optimizer threads straight back to the loop head.
            var taken = false
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
            case .ja: taken = true
            case .jeq64I: taken = r[d] == op.imm
            case .jeq64R: taken = r[d] == r[s]
            case .jeq32I: taken = UInt32(truncatingIfNeeded: r[d]) == UInt32(truncatingIfNeeded: op.imm)
            case .jeq32R: taken = UInt32(truncatingIfNeeded: r[d]) == UInt32(truncatingIfNeeded: r[s])
            case .jgt64I: taken = r[d] > op.imm
            case .jgt64R: taken = r[d] > r[s]
            case .jgt32I: taken = UInt32(truncatingIfNeeded: r[d]) > UInt32(truncatingIfNeeded: op.imm)
            case .jgt32R: taken = UInt32(truncatingIfNeeded: r[d]) > UInt32(truncatingIfNeeded: r[s])
            case .jge64I: taken = r[d] >= op.imm
            case .jge64R: taken = r[d] >= r[s]
            case .jge32I: taken = UInt32(truncatingIfNeeded: r[d]) >= UInt32(truncatingIfNeeded: op.imm)
            case .jge32R: taken = UInt32(truncatingIfNeeded: r[d]) >= UInt32(truncatingIfNeeded: r[s])
            case .jne64I: taken = r[d] != op.imm
            case .jne64R: taken = r[d] != r[s]
            case .jne32I: taken = UInt32(truncatingIfNeeded: r[d]) != UInt32(truncatingIfNeeded: op.imm)
            case .jne32R: taken = UInt32(truncatingIfNeeded: r[d]) != UInt32(truncatingIfNeeded: r[s])
            case .jlt64I: taken = r[d] < op.imm
            case .jlt64R: taken = r[d] < r[s]
            case .jlt32I: taken = UInt32(truncatingIfNeeded: r[d]) < UInt32(truncatingIfNeeded: op.imm)
            case .jlt32R: taken = UInt32(truncatingIfNeeded: r[d]) < UInt32(truncatingIfNeeded: r[s])
            case .jle64I: taken = r[d] <= op.imm
            case .jle64R: taken = r[d] <= r[s]
            case .jle32I: taken = UInt32(truncatingIfNeeded: r[d]) <= UInt32(truncatingIfNeeded: op.imm)
            case .jle32R: taken = UInt32(truncatingIfNeeded: r[d]) <= UInt32(truncatingIfNeeded: r[s])
            case .jsgt64I: taken = Int64(bitPattern: r[d]) > Int64(bitPattern: op.imm)
            case .jsgt64R: taken = Int64(bitPattern: r[d]) > Int64(bitPattern: r[s])
            case .jsgt32I: taken = Int32(truncatingIfNeeded: r[d]) > Int32(truncatingIfNeeded: op.imm)
            case .jsgt32R: taken = Int32(truncatingIfNeeded: r[d]) > Int32(truncatingIfNeeded: r[s])
            case .jsge64I: taken = Int64(bitPattern: r[d]) >= Int64(bitPattern: op.imm)
            case .jsge64R: taken = Int64(bitPattern: r[d]) >= Int64(bitPattern: r[s])
            case .jsge32I: taken = Int32(truncatingIfNeeded: r[d]) >= Int32(truncatingIfNeeded: op.imm)
            case .jsge32R: taken = Int32(truncatingIfNeeded: r[d]) >= Int32(truncatingIfNeeded: r[s])
            case .jslt64I: taken = Int64(bitPattern: r[d]) < Int64(bitPattern: op.imm)
            case .jslt64R: taken = Int64(bitPattern: r[d]) < Int64(bitPattern: r[s])
            case .jslt32I: taken = Int32(truncatingIfNeeded: r[d]) < Int32(truncatingIfNeeded: op.imm)
            case .jslt32R: taken = Int32(truncatingIfNeeded: r[d]) < Int32(truncatingIfNeeded: r[s])
            case .jsle64I: taken = Int64(bitPattern: r[d]) <= Int64(bitPattern: op.imm)
            case .jsle64R: taken = Int64(bitPattern: r[d]) <= Int64(bitPattern: r[s])
            case .jsle32I: taken = Int32(truncatingIfNeeded: r[d]) <= Int32(truncatingIfNeeded: op.imm)
            case .jsle32R: taken = Int32(truncatingIfNeeded: r[d]) <= Int32(truncatingIfNeeded: r[s])
            case .jset64I: taken = r[d] & op.imm != 0
            case .jset64R: taken = r[d] & r[s] != 0
            case .jset32I: taken = UInt32(truncatingIfNeeded: r[d] & op.imm) != 0
            case .jset32R: taken = UInt32(truncatingIfNeeded: r[d] & r[s]) != 0
            // Calls
            case .callHelper:
                switch callHelper(state.helpers + Int(op.imm), r, checker, state.owner) {
                case .proceed: break
                case .stop: break loop
                case .fault, .unknown, .packetChanged, .tailCall: status = .helperFault; break loop
                }
            case .callLinux:
                switch callLinux(op.imm, r, checker, &state) {
                case .proceed: break
                case .packetChanged: checker.reloadFirstRegion()
                case .tailCall:
                    // The target starts over at its first op with the same frame; the count goes on.
                    let done = Self.index(of: pc, in: ops) &- skew
                    ops = state.tailCallOps.unsafelyUnwrapped
                    pc = ops
                    skew = 0 &- done
                case .stop: break loop
                case .fault, .unknown: status = .helperFault; break loop
                }
            case .callRegister:
                switch callRegister(r[d], r, checker, state.owner) {
                case .proceed: break
                case .stop: break loop
                case .fault, .packetChanged, .tailCall: status = .helperFault; break loop
                case .unknown: status = .unknownHelper; break loop
                }
            case .callLocal:
                if checked && Self.index(of: pc, in: ops) &- skew > budget { status = .budgetExhausted; break loop }
                guard state.depth + 1 < Interpreter.maximumCallDepth else { status = .callDepthExceeded; break loop }
                state.frames[state.depth] = CallFrame(returnOps: ops, returnOp: Self.index(of: pc, in: ops),
                                                      r6: r[6], r7: r[7], r8: r[8], r9: r[9])
                state.depth += 1
                r[10] &-= UInt64(Interpreter.stackFrameSize)
                checker.stackLow &-= UInt64(Interpreter.stackFrameSize)
                pc += Int(op.offset)
                skew &+= Int(op.offset)
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
                let done = Self.index(of: pc, in: ops) &- skew
                ops = frame.returnOps
                pc = ops + frame.returnOp
                skew = frame.returnOp &- done
            // Loads: one case per width, so the size is a constant and the access one instruction.
            case .ldxb:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 1, write: false) { status = .outOfBounds; break loop }
                r[d] = UInt64(Self.pointer(a).load(as: UInt8.self))
            case .ldxh:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 2, write: false) { status = .outOfBounds; break loop }
                r[d] = UInt64(Self.pointer(a).loadUnaligned(as: UInt16.self))
            case .ldxw:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 4, write: false) { status = .outOfBounds; break loop }
                r[d] = UInt64(Self.pointer(a).loadUnaligned(as: UInt32.self))
            case .ldxdw:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 8, write: false) { status = .outOfBounds; break loop }
                r[d] = Self.pointer(a).loadUnaligned(as: UInt64.self)
            case .ldxsb:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 1, write: false) { status = .outOfBounds; break loop }
                r[d] = UInt64(bitPattern: Int64(Self.pointer(a).load(as: Int8.self)))
            case .ldxsh:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 2, write: false) { status = .outOfBounds; break loop }
                r[d] = UInt64(bitPattern: Int64(Self.pointer(a).loadUnaligned(as: Int16.self)))
            case .ldxsw:
                let a = r[s] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 4, write: false) { status = .outOfBounds; break loop }
                r[d] = UInt64(bitPattern: Int64(Self.pointer(a).loadUnaligned(as: Int32.self)))
            case .ldxbStack: r[d] = UInt64(Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).load(as: UInt8.self))
            case .ldxhStack:
                r[d] = UInt64(Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).loadUnaligned(as: UInt16.self))
            case .ldxwStack:
                r[d] = UInt64(Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).loadUnaligned(as: UInt32.self))
            case .ldxdwStack: r[d] = Self.pointer(r[10] &+ UInt64(bitPattern: Int64(op.offset))).loadUnaligned(as: UInt64.self)
            // Stores
            case .stb:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 1, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: UInt8(truncatingIfNeeded: op.imm), as: UInt8.self)
            case .sth:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 2, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: UInt16(truncatingIfNeeded: op.imm), as: UInt16.self)
            case .stw:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 4, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: UInt32(truncatingIfNeeded: op.imm), as: UInt32.self)
            case .stdw:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 8, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: op.imm, as: UInt64.self)
            case .stxb:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 1, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: UInt8(truncatingIfNeeded: r[s]), as: UInt8.self)
            case .stxh:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 2, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: UInt16(truncatingIfNeeded: r[s]), as: UInt16.self)
            case .stxw:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 4, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: UInt32(truncatingIfNeeded: r[s]), as: UInt32.self)
            case .stxdw:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 8, write: true) { status = .outOfBounds; break loop }
                Self.pointer(a).storeBytes(of: r[s], as: UInt64.self)
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
            case .atomicAdd32, .atomicOr32, .atomicAnd32, .atomicXor32, .atomicFetchAdd32, .atomicFetchOr32,
                 .atomicFetchAnd32, .atomicFetchXor32, .atomicXchg32, .atomicCmpxchg32:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 4, write: true) { status = .outOfBounds; break loop }
                atomic(op.code, Self.pointer(a), r, s)
            case .atomicAdd64, .atomicOr64, .atomicAnd64, .atomicXor64, .atomicFetchAdd64, .atomicFetchOr64,
                 .atomicFetchAnd64, .atomicFetchXor64, .atomicXchg64, .atomicCmpxchg64:
                let a = r[d] &+ UInt64(bitPattern: Int64(op.offset))
                if checked && !checker.allows(a, 8, write: true) { status = .outOfBounds; break loop }
                atomic(op.code, Self.pointer(a), r, s)
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
                if !packetLoad(op, r, state.packetStart, state.packetLength, context) {
                    r[0] = 0  // the kernel ends the program with 0 when the offset is outside the packet
                    break loop
                }
            }
            if taken {
                // A jump leaves `executed` unchanged (pc and skew move together): test before moving,
                // so that a budget trap names the jump.
                if checked && op.offset < 0 && Self.index(of: pc, in: ops) &- skew > budget { status = .budgetExhausted; break loop }
                pc += Int(op.offset)
                skew &+= Int(op.offset)
            }
        }
        state.executed = Self.index(of: pc, in: ops) &- skew
        state.checker = checker
        state.faultOp = Self.index(of: pc, in: ops) - 1
        state.faultOps = ops
        return status
    }

    /// `ops.distance(to: pc)` without the rounding fix-up of a signed division (the byte distance
    /// is always a multiple of the op size, so an arithmetic shift is exact).
    @inline(__always)
    static func index(of pc: UnsafePointer<Op>, in ops: UnsafePointer<Op>) -> Int {
        (Int(bitPattern: pc) &- Int(bitPattern: ops)) &>> 4  // MemoryLayout<Op>.stride == 16
    }

    @inline(__always)
    static func pointer(_ address: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(address)).unsafelyUnwrapped
    }

    /// Calls a helper of the translated table; the result lands in r0. Out of line: a call is rare
    /// next to ALU ops, and the closure call and `HelperResult` (which holds a String) would
    /// otherwise add spills to the whole loop. (Linux helpers, a switch over their ids, go here.)
    @inline(never)
    static func callHelper(_ helper: UnsafePointer<HelperFunction>, _ r: UnsafeMutablePointer<UInt64>,
                           _ checker: MemoryChecker, _ owner: Interpreter) -> HelperOutcome {
        var call = HelperCall(r1: r[1], r2: r[2], r3: r[3], r4: r[4], r5: r[5], memory: checker)
        switch helper.pointee.body(&call) {
        case .value(let value):
            r[0] = value
            return .proceed
        case .stop(let value):
            r[0] = value
            return .stop
        case .fault(let message):
            owner.faultMessage = message
            return .fault
        }
    }

    /// `callx`: the helper whose id is in the register (bpf_conformance's convention), looked up at
    /// run time; an id outside Int32 or without a helper is ``HelperOutcome/unknown``.
    @inline(never)
    static func callRegister(_ id: UInt64, _ r: UnsafeMutablePointer<UInt64>, _ checker: MemoryChecker,
                             _ owner: Interpreter) -> HelperOutcome {
        guard Int64(bitPattern: id) == Int64(Int32(truncatingIfNeeded: id)),
              let helper = owner.program.registry[Int32(truncatingIfNeeded: id)]
        else { return .unknown }
        return withUnsafePointer(to: helper) { callHelper($0, r, checker, owner) }
    }
}

/// How a helper call ends, for the loop.
enum HelperOutcome: UInt8 {
    /// r0 holds the result; the program goes on.
    case proceed
    /// As `proceed`, and the packet moved or changed size: region 0 must be read again.
    case packetChanged
    /// `bpf_tail_call` found its target (`RunState.tailCallOps`): the program continues there.
    case tailCall
    /// The helper ended the program (ubpf's unwind); r0 holds its return value.
    case stop
    /// The helper refused its arguments; the message is in ``Interpreter/faultMessage``.
    case fault
    /// `callx` named no helper.
    case unknown
}
