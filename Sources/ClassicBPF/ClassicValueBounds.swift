// Upper bounds of A and X at every instruction, so the translation can leave out run-time
// guards a value cannot need: an indirect load whose X + k cannot leave the offsets the guard
// protects, a shift whose count cannot exceed 31. Classic jumps only go forward, so one pass in
// program order sees every predecessor first; where paths join, the larger bound wins.

/// The largest value A and X can hold when an instruction starts (32-bit values).
struct ClassicValueBounds: Equatable {
    var a: UInt64
    var x: UInt64

    static let unknown = ClassicValueBounds(a: UInt64(UInt32.max), x: UInt64(UInt32.max))

    /// Bounds at the start of each instruction of `program` (checked), entry A = X = 0.
    static func compute(_ program: ClassicProgram, shiftsBeyond31GiveZero: Bool) -> [ClassicValueBounds] {
        let insns = program.instructions
        // A loop (libpcap's protochain) feeds values back to earlier instructions: no bounds there.
        if insns.indices.contains(where: { ClassicChecker.isBackwardJump(insns[$0], at: $0) }) {
            return [ClassicValueBounds](repeating: .unknown, count: insns.count)
        }
        var incoming = [ClassicValueBounds?](repeating: nil, count: insns.count)
        incoming[0] = ClassicValueBounds(a: 0, x: 0)
        var result: [ClassicValueBounds] = []
        result.reserveCapacity(insns.count)
        func merge(_ target: Int, _ bounds: ClassicValueBounds) {
            guard target < insns.count else { return }
            if let old = incoming[target] {
                incoming[target] = ClassicValueBounds(a: max(old.a, bounds.a), x: max(old.x, bounds.x))
            } else {
                incoming[target] = bounds
            }
        }
        for (pc, insn) in insns.enumerated() {
            // An instruction nothing reaches never runs; any bounds do, the widest are safest.
            let entry = incoming[pc] ?? .unknown
            result.append(entry)
            var out = entry
            let k = UInt64(insn.k)
            switch insn.operation {
            case .loadAbsolute(let size)?:
                out.a = AncillaryField(k: insn.k).map { ancillaryBound($0, entry) } ?? maximum(size)
            case .loadIndirect(let size)?: out.a = maximum(size)
            case .loadImmediate?: out.a = k
            case .loadLength?, .loadScratch?: out.a = Self.unknown.a
            case .loadXImmediate?: out.x = k
            case .loadXLength?, .loadXScratch?: out.x = Self.unknown.x
            case .loadXHeaderLength?: out.x = 60
            case .alu(let op, let operand)?:
                out.a = aluBound(op, a: entry.a, b: operand == .k ? k : entry.x, isConstant: operand == .k,
                                 shiftsBeyond31GiveZero: shiftsBeyond31GiveZero)
            case .negate?: out.a = Self.unknown.a
            case .moveAToX?: out.x = entry.a
            case .moveXToA?: out.a = entry.x
            case .jumpAlways?:
                merge(pc + 1 + Int(insn.k), entry)
                continue
            case .jump?:
                merge(pc + 1 + Int(insn.jt), entry)
                merge(pc + 1 + Int(insn.jf), entry)
                continue
            case .returnK?, .returnA?, nil:
                continue
            case .storeA?, .storeX?: break
            }
            merge(pc + 1, out)
        }
        return result
    }

    private static func maximum(_ size: ClassicSize) -> UInt64 { (1 << UInt64(size.byteCount * 8)) - 1 }

    private static func ancillaryBound(_ field: AncillaryField, _ entry: ClassicValueBounds) -> UInt64 {
        switch field {
        case .protocol, .queue, .hardwareType, .vlanTag, .vlanProtocol: 0xffff
        case .packetType: 7
        case .vlanTagPresent: 1
        case .xorX: allOnes(atLeast: max(entry.a, entry.x))
        default: unknown.a
        }
    }

    /// The smallest 2^n - 1 at or above `value`: a bound of `a | b` and `a ^ b`.
    private static func allOnes(atLeast value: UInt64) -> UInt64 {
        value == 0 ? 0 : UInt64.max >> UInt64(value.leadingZeroBitCount)
    }

    private static func aluBound(_ op: ClassicALUOperation, a: UInt64, b: UInt64, isConstant: Bool,
                                 shiftsBeyond31GiveZero: Bool) -> UInt64 {
        let limit = unknown.a
        switch op {
        case .add: return a + b <= limit ? a + b : limit  // past 2^32 the sum wraps: anything
        case .sub: return a >= limit ? limit : (isConstant && b == 0 ? a : limit)
        case .mul: return a.multipliedReportingOverflow(by: b).overflow || a * b > limit ? limit : a * b
        case .div: return isConstant ? a / max(b, 1) : a
        case .mod: return isConstant ? min(a, max(b, 1) - 1) : a
        case .and: return min(a, b)
        case .or, .xor: return allOnes(atLeast: max(a, b))
        case .rsh: return a
        case .lsh:
            // A count the masking (Linux) or zeroing (libpcap) rule changes gives no bound.
            guard b <= 31 || shiftsBeyond31GiveZero else { return limit }
            let count = min(b, 31)
            return a << count <= limit ? a << count : limit
        }
    }
}
