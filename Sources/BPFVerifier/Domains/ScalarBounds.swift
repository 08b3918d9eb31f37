/// What the verifier knows about a number (`bpf_reg_state`'s scalar part): its bits (a tnum) and
/// signed/unsigned 64- and 32-bit ranges, kept consistent by ``sync()`` (`reg_bounds_sync`).
public struct ScalarBounds: Hashable, Sendable, CustomStringConvertible {
    public var tnum: Tnum
    public var smin: Int64, smax: Int64
    public var umin: UInt64, umax: UInt64
    public var s32min: Int32, s32max: Int32
    public var u32min: UInt32, u32max: UInt32

    public static let unknown = ScalarBounds(tnum: .unknown, smin: .min, smax: .max, umin: 0, umax: .max,
                                             s32min: .min, s32max: .max, u32min: 0, u32max: .max)
    public static func constant(_ v: UInt64) -> ScalarBounds {
        ScalarBounds(tnum: .constant(v), smin: Int64(bitPattern: v), smax: Int64(bitPattern: v), umin: v, umax: v,
                     s32min: Int32(truncatingIfNeeded: v), s32max: Int32(truncatingIfNeeded: v),
                     u32min: UInt32(truncatingIfNeeded: v), u32max: UInt32(truncatingIfNeeded: v))
    }
    public static func unsignedRange(_ a: UInt64, _ b: UInt64) -> ScalarBounds {
        var r = ScalarBounds.unknown
        r.umin = a; r.umax = b
        r.tnum = .range(a, b)
        r.sync()
        return r
    }
    public var isConstant: Bool { tnum.isConstant }
    public var constantValue: UInt64? { tnum.isConstant ? tnum.value : nil }

    public mutating func sync() {
        for _ in 0..<2 {
            // bounds from tnum
            let lo = tnum.value, hi = tnum.value | tnum.mask
            umin = max(umin, lo); umax = min(umax, hi)
            let slo = Int64(bitPattern: tnum.value | (tnum.mask & (1 << 63)))
            let shi = Int64(bitPattern: tnum.value | (tnum.mask & ~(1 << 63)))
            smin = max(smin, slo); smax = min(smax, shi)
            let t32 = tnum.subreg
            u32min = max(u32min, UInt32(t32.value)); u32max = min(u32max, UInt32(t32.value | t32.mask))
            s32min = max(s32min, Int32(bitPattern: UInt32(t32.value | (t32.mask & 0x8000_0000))))
            s32max = min(s32max, Int32(bitPattern: UInt32(t32.value | (t32.mask & 0x7fff_ffff))))
            // 32-bit: signed <-> unsigned
            if Int32(bitPattern: u32min) <= Int32(bitPattern: u32max) {  // same sign half
                s32min = max(s32min, Int32(bitPattern: u32min)); s32max = min(s32max, Int32(bitPattern: u32max))
            }
            if s32min >= 0 || s32max < 0 {
                u32min = max(u32min, UInt32(bitPattern: s32min)); u32max = min(u32max, UInt32(bitPattern: s32max))
            }
            // 64-bit: signed <-> unsigned
            if Int64(bitPattern: umin) <= Int64(bitPattern: umax) {
                smin = max(smin, Int64(bitPattern: umin)); smax = min(smax, Int64(bitPattern: umax))
            }
            if smin >= 0 || smax < 0 {
                umin = max(umin, UInt64(bitPattern: smin)); umax = min(umax, UInt64(bitPattern: smax))
            }
            // 64 -> 32 when the upper halves agree
            if umin >> 32 == umax >> 32 {
                u32min = max(u32min, UInt32(truncatingIfNeeded: umin)); u32max = min(u32max, UInt32(truncatingIfNeeded: umax))
                if Int32(truncatingIfNeeded: umin) <= Int32(truncatingIfNeeded: umax) {
                    s32min = max(s32min, Int32(truncatingIfNeeded: umin)); s32max = min(s32max, Int32(truncatingIfNeeded: umax))
                }
            }
            // 32 -> 64 when the upper half is a known constant
            if tnum.mask >> 32 == 0 {
                let upper = tnum.value & 0xffff_ffff_0000_0000
                umin = max(umin, upper | UInt64(u32min)); umax = min(umax, upper | UInt64(u32max))
                if Int64(bitPattern: umin) <= Int64(bitPattern: umax) {
                    smin = max(smin, Int64(bitPattern: umin)); smax = min(smax, Int64(bitPattern: umax))
                }
            }
            // tnum from ranges
            if umin <= umax { tnum = tnum.intersect(.range(umin, umax)) }
            if u32min <= u32max {
                let sub = tnum.subreg.intersect(.range(UInt64(u32min), UInt64(u32max)))
                tnum = Tnum(value: (tnum.value & ~0xffff_ffff) | sub.value, mask: (tnum.mask & ~0xffff_ffff) | sub.mask)
            }
        }
    }

    public var isConsistent: Bool {
        umin <= umax && smin <= smax && u32min <= u32max && s32min <= s32max && tnum.value & tnum.mask == 0
            && tnum.contains(value: umin) || (umin <= umax && smin <= smax && u32min <= u32max && s32min <= s32max && tnum.value & tnum.mask == 0 && umin == umax && tnum.contains(value: umin))
    }

    public func contains(_ v: UInt64) -> Bool {
        tnum.contains(value: v) && v >= umin && v <= umax && Int64(bitPattern: v) >= smin && Int64(bitPattern: v) <= smax
            && UInt32(truncatingIfNeeded: v) >= u32min && UInt32(truncatingIfNeeded: v) <= u32max
            && Int32(truncatingIfNeeded: v) >= s32min && Int32(truncatingIfNeeded: v) <= s32max
    }

    public func zeroExtendedFrom32() -> ScalarBounds {
        var r = ScalarBounds.unknown
        r.tnum = tnum.subreg
        r.umin = UInt64(u32min); r.umax = UInt64(u32max)
        r.u32min = u32min; r.u32max = u32max; r.s32min = s32min; r.s32max = s32max
        r.smin = Int64(u32min); r.smax = Int64(u32max)
        r.sync()
        return r
    }

    public func truncated(toBytes n: Int) -> ScalarBounds {
        if n >= 8 { return self }
        if n == 4 { return zeroExtendedFrom32() }
        let m: UInt64 = (1 << UInt64(n * 8)) - 1
        if umax <= m { return self }
        var r = ScalarBounds.unsignedRange(0, m)
        r.tnum = r.tnum.intersect(tnum.cast(toBytes: n))
        r.sync()
        return r
    }

    public func signExtended(fromBytes n: Int) -> ScalarBounds {
        if n >= 8 { return self }
        if let c = constantValue {
            let shift = UInt64(64 - n * 8)
            return .constant(UInt64(bitPattern: Int64(bitPattern: c << shift) >> Int64(shift)))
        }
        let half = Int64(1) << Int64(n * 8 - 1)
        var r = ScalarBounds.unknown
        r.smin = -half; r.smax = half - 1
        // If the value is known non-negative in n bytes, keep it.
        if umax < UInt64(half) { return self }
        r.sync()
        return r
    }

    static func widthMask(_ is64: Bool) -> UInt64 { is64 ? ~0 : 0xffff_ffff }

    /// Unsigned interval of the operand in the operation's width.
    func unsignedView(_ is64: Bool) -> (UInt64, UInt64) { is64 ? (umin, umax) : (UInt64(u32min), UInt64(u32max)) }
    func signedView(_ is64: Bool) -> (Int64, Int64) { is64 ? (smin, smax) : (Int64(s32min), Int64(s32max)) }
    func tnumView(_ is64: Bool) -> Tnum { is64 ? tnum : tnum.subreg }

    public var description: String {
        var parts = [String]()
        if smin != .min { parts.append("smin=\(smin)") }
        if smax != .max { parts.append("smax=\(smax)") }
        if umin != 0 { parts.append("umin=\(umin)") }
        if umax != .max { parts.append("umax=\(umax)") }
        if tnum.mask != ~0 { parts.append("var_off=\(tnum)") }
        return parts.joined(separator: ",")
    }
}
