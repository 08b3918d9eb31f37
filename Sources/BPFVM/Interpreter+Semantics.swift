import Atomics
import PacketBuffer

// RFC 9669 arithmetic where Swift would trap: division by zero gives 0, modulo by zero keeps
// dst, INT_MIN / -1 wraps, and the 32-bit forms look only at the low 32 bits of both operands
// and zero the upper half of the result.

@inline(__always)
func signedDivide64(_ dst: UInt64, _ src: UInt64) -> UInt64 {
    if src == 0 { return 0 }
    return UInt64(bitPattern: Int64(bitPattern: dst).dividedReportingOverflow(by: Int64(bitPattern: src)).partialValue)
}

@inline(__always)
func signedModulo64(_ dst: UInt64, _ src: UInt64) -> UInt64 {
    if src == 0 { return dst }
    return UInt64(bitPattern: Int64(bitPattern: dst).remainderReportingOverflow(dividingBy: Int64(bitPattern: src)).partialValue)
}

@inline(__always)
func unsignedDivide32(_ dst: UInt64, _ src: UInt64) -> UInt64 {
    let divisor = UInt32(truncatingIfNeeded: src)
    return divisor == 0 ? 0 : UInt64(UInt32(truncatingIfNeeded: dst) / divisor)
}

@inline(__always)
func unsignedModulo32(_ dst: UInt64, _ src: UInt64) -> UInt64 {
    let divisor = UInt32(truncatingIfNeeded: src)
    let dividend = UInt32(truncatingIfNeeded: dst)
    return UInt64(divisor == 0 ? dividend : dividend % divisor)
}

@inline(__always)
func signedDivide32(_ dst: UInt64, _ src: UInt64) -> UInt64 {
    let divisor = Int32(truncatingIfNeeded: src)
    if divisor == 0 { return 0 }
    return UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: dst).dividedReportingOverflow(by: divisor).partialValue))
}

@inline(__always)
func signedModulo32(_ dst: UInt64, _ src: UInt64) -> UInt64 {
    let divisor = Int32(truncatingIfNeeded: src)
    let dividend = Int32(truncatingIfNeeded: dst)
    if divisor == 0 { return UInt64(UInt32(bitPattern: dividend)) }
    return UInt64(UInt32(bitPattern: dividend.remainderReportingOverflow(dividingBy: divisor).partialValue))
}

extension Interpreter {
    @inline(__always)
    static func loadSize(_ code: OpCode) -> Int {
        switch code {
        case .ldxb, .ldxsb: 1
        case .ldxh, .ldxsh: 2
        case .ldxw, .ldxsw: 4
        default: 8
        }
    }

    @inline(__always)
    static func storeSize(_ code: OpCode) -> Int {
        switch code {
        case .stb, .stxb: 1
        case .sth, .stxh: 2
        case .stw, .stxw: 4
        default: 8
        }
    }

    @inline(__always)
    static func atomicSize(_ code: OpCode) -> Int {
        switch code {
        case .atomicAdd32, .atomicOr32, .atomicAnd32, .atomicXor32, .atomicFetchAdd32, .atomicFetchOr32,
             .atomicFetchAnd32, .atomicFetchXor32, .atomicXchg32, .atomicCmpxchg32: 4
        default: 8
        }
    }

    /// Performs an atomic read-modify-write whose address was already checked.
    /// Fetching forms put the old value in src (cmpxchg: in r0); 32-bit forms zero-extend it.
    @inline(never)
    static func atomic(_ code: OpCode, _ p: UnsafeMutableRawPointer, _ r: UnsafeMutablePointer<UInt64>, _ s: Int) {
        let old = atomicSize(code) == 4
            ? UInt64(readModifyWrite(code, p, UInt32(truncatingIfNeeded: r[s]), expected: UInt32(truncatingIfNeeded: r[0])))
            : readModifyWrite(code, p, r[s], expected: r[0])
        switch code {
        case .atomicAdd32, .atomicOr32, .atomicAnd32, .atomicXor32, .atomicAdd64, .atomicOr64, .atomicAnd64, .atomicXor64: break
        case .atomicCmpxchg32, .atomicCmpxchg64: r[0] = old
        default: r[s] = old
        }
    }

    /// The operation of `code` on the `T` at `p`; returns the value it replaced.
    ///
    /// Truly atomic (sequentially consistent, as the kernel's fetch forms are fully ordered):
    /// datapath workers on several threads may run it on one map value at once. A misaligned
    /// address (only an unverified program can make one) falls back to a plain read and write.
    @inline(__always)
    static func readModifyWrite<T: FixedWidthInteger & AtomicInteger>(_ code: OpCode, _ p: UnsafeMutableRawPointer, _ operand: T,
                                                                      expected: T) -> T {
        guard UInt(bitPattern: p) % UInt(MemoryLayout<T>.alignment) == 0 else {
            let old = p.loadUnaligned(as: T.self)
            p.storeBytes(of: combine(code, old, operand, expected: expected), as: T.self)
            return old
        }
        let cell = UnsafeAtomic<T>(at: p.assumingMemoryBound(to: T.AtomicRepresentation.self))
        switch code {
        case .atomicAdd32, .atomicFetchAdd32, .atomicAdd64, .atomicFetchAdd64:
            return cell.loadThenWrappingIncrement(by: operand, ordering: .sequentiallyConsistent)
        case .atomicOr32, .atomicFetchOr32, .atomicOr64, .atomicFetchOr64:
            return cell.loadThenBitwiseOr(with: operand, ordering: .sequentiallyConsistent)
        case .atomicAnd32, .atomicFetchAnd32, .atomicAnd64, .atomicFetchAnd64:
            return cell.loadThenBitwiseAnd(with: operand, ordering: .sequentiallyConsistent)
        case .atomicXor32, .atomicFetchXor32, .atomicXor64, .atomicFetchXor64:
            return cell.loadThenBitwiseXor(with: operand, ordering: .sequentiallyConsistent)
        case .atomicXchg32, .atomicXchg64:
            return cell.exchange(operand, ordering: .sequentiallyConsistent)
        default:  // cmpxchg
            return cell.compareExchange(expected: expected, desired: operand, ordering: .sequentiallyConsistent).original
        }
    }

    /// The value an atomic operation stores over `old` (the misaligned, non-atomic path).
    @inline(__always)
    static func combine<T: FixedWidthInteger>(_ code: OpCode, _ old: T, _ operand: T, expected: T) -> T {
        switch code {
        case .atomicAdd32, .atomicFetchAdd32, .atomicAdd64, .atomicFetchAdd64: old &+ operand
        case .atomicOr32, .atomicFetchOr32, .atomicOr64, .atomicFetchOr64: old | operand
        case .atomicAnd32, .atomicFetchAnd32, .atomicAnd64, .atomicFetchAnd64: old & operand
        case .atomicXor32, .atomicFetchXor32, .atomicXor64, .atomicFetchXor64: old ^ operand
        case .atomicXchg32, .atomicXchg64: operand
        default: old == expected ? operand : old  // cmpxchg
        }
    }

    /// LD_ABS/LD_IND: r0 = big-endian value at `imm (+ src)` in the packet. False when outside it.
    ///
    /// As the kernel's `bpf_skb_load_helper_*` (net/core/filter.c): the offset is a signed 32-bit
    /// sum; a negative one at or above `SKF_NET_OFF` (-0x100000) is taken from the network
    /// header, one at or above `SKF_LL_OFF` (-0x200000) from the link-layer header (when set),
    /// anything lower is outside. Header-relative bytes may lie in front of `data` (a socket
    /// filter reading the IP header), never in front of the buffer's head.
    @inline(never)
    static func packetLoad(_ op: Op, _ r: UnsafeMutablePointer<UInt64>, _ start: UInt64, _ length: UInt64,
                           _ context: UnsafeMutablePointer<SkBuffMetadata>) -> Bool {
        var offset = Int64(Int32(truncatingIfNeeded: op.imm))
        let size: Int64
        switch op.code {
        case .ldAbsB, .ldIndB: size = 1
        case .ldAbsH, .ldIndH: size = 2
        default: size = 4
        }
        switch op.code {
        case .ldIndB, .ldIndH, .ldIndW:
            offset = Int64(Int32(truncatingIfNeeded: offset &+ Int64(UInt32(truncatingIfNeeded: r[Int(op.src)]))))
        default: break
        }
        guard start != 0 else { return false }
        if offset < 0 {
            guard let relative = headerRelativeOffset(offset, context),
                  relative >= -Int64(context.pointee.dataOffset), relative + size <= Int64(length)
            else { return false }
            offset = relative
        } else {
            guard offset + size <= Int64(length) else { return false }
        }
        let p = UnsafeRawPointer(bitPattern: UInt(bitPattern: Int(bitPattern: UInt(start)) &+ Int(offset))).unsafelyUnwrapped
        switch size {
        case 1: r[0] = UInt64(p.load(as: UInt8.self))
        case 2: r[0] = UInt64(UInt16(bigEndian: p.loadUnaligned(as: UInt16.self)))
        default: r[0] = UInt64(UInt32(bigEndian: p.loadUnaligned(as: UInt32.self)))
        }
        return true
    }

    /// `SKF_NET_OFF` and `SKF_LL_OFF` offsets as offsets from `data` (`bpf_skb_load_helper_convert_offset`);
    /// nil below `SKF_LL_OFF` or when the needed header was never set.
    @inline(__always)
    static func headerRelativeOffset(_ offset: Int64, _ context: UnsafeMutablePointer<SkBuffMetadata>) -> Int64? {
        let networkBase: Int64 = -0x10_0000, linkBase: Int64 = -0x20_0000
        let m = context.pointee
        if offset >= networkBase {
            guard m.networkHeaderOffset != SkBuff.unsetOffset else { return nil }
            return offset - networkBase + Int64(m.networkHeaderOffset - m.dataOffset)
        }
        if offset >= linkBase {
            guard m.macHeaderOffset != SkBuff.unsetOffset else { return nil }
            return offset - linkBase + Int64(m.macHeaderOffset - m.dataOffset)
        }
        return nil
    }
}
