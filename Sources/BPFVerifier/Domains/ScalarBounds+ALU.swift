// Arithmetic on scalars (`adjust_scalar_min_max_vals`): constants fold exactly; otherwise each
// operation bounds its result from the operands' ranges and bits, in the operation's width
// (ALU32 results are zero-extended).

/// An ALU operation on two scalars.
public enum ScalarOperation: Sendable { case add, sub, mul, div, sdiv, mod, smod, and, or, xor, lsh, rsh, arsh, neg, mov }

extension ScalarBounds {
    public static func shiftAmountIsInvalid(_ src: ScalarBounds, is64: Bool) -> Bool { src.umax >= (is64 ? 64 : 32) }

    public static func apply(_ op: ScalarOperation, _ dst: ScalarBounds, _ src: ScalarBounds, is64: Bool) -> ScalarBounds {
        let m = widthMask(is64)
        let bits: UInt64 = is64 ? 64 : 32
        if let a = dst.constantValue, let b = src.constantValue {
            let x = a & m, y = b & m
            let r: UInt64
            switch op {
            case .add: r = x &+ y
            case .sub: r = x &- y
            case .mul: r = x &* y
            case .div: r = y == 0 ? 0 : x / y
            case .mod: r = y == 0 ? x : x % y
            case .sdiv, .smod:
                let sx = is64 ? Int64(bitPattern: x) : Int64(Int32(truncatingIfNeeded: x))
                let sy = is64 ? Int64(bitPattern: y) : Int64(Int32(truncatingIfNeeded: y))
                if sy == 0 { r = op == .sdiv ? 0 : x }
                else if sy == -1 { r = op == .sdiv ? UInt64(bitPattern: 0 &- sx) : 0 }
                else { r = UInt64(bitPattern: op == .sdiv ? sx / sy : sx % sy) }
            case .and: r = x & y
            case .or: r = x | y
            case .xor: r = x ^ y
            case .lsh: r = x << (y & (bits - 1))
            case .rsh: r = x >> (y & (bits - 1))
            case .arsh:
                r = is64 ? UInt64(bitPattern: Int64(bitPattern: x) >> Int64(y & 63))
                    : UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: x) >> Int32(y & 31)))
            case .neg: r = 0 &- x
            case .mov: r = y
            }
            return .constant(r & m)
        }
        let (au, bu) = (dst.unsignedView(is64), src.unsignedView(is64))
        let (as_, bs) = (dst.signedView(is64), src.signedView(is64))
        let (at, bt) = (dst.tnumView(is64), src.tnumView(is64))
        var umin: UInt64 = 0, umax: UInt64 = m
        var smin: Int64 = is64 ? .min : Int64(Int32.min), smax: Int64 = is64 ? .max : Int64(Int32.max)
        var t = Tnum(value: 0, mask: m)
        switch op {
        case .add:
            let (lo, o1) = au.0.addingReportingOverflow(bu.0), (hi, o2) = au.1.addingReportingOverflow(bu.1)
            if !o1 && !o2 && hi <= m { umin = lo; umax = hi }
            let (slo, p1) = as_.0.addingReportingOverflow(bs.0), (shi, p2) = as_.1.addingReportingOverflow(bs.1)
            if !p1 && !p2 && slo >= smin && shi <= smax { smin = slo; smax = shi }
            t = (at + bt)
        case .sub:
            if au.0 >= bu.1 { umin = au.0 - bu.1; umax = au.1 - bu.0 }
            let (slo, p1) = as_.0.subtractingReportingOverflow(bs.1), (shi, p2) = as_.1.subtractingReportingOverflow(bs.0)
            if !p1 && !p2 && slo >= smin && shi <= smax { smin = slo; smax = shi }
            t = (at - bt)
        case .mul:
            let (hi, o) = au.1.multipliedReportingOverflow(by: bu.1)
            if !o && hi <= m { umin = au.0 * bu.0; umax = hi }
        case .div:
            if bu.0 > 0 { umin = au.0 / bu.1; umax = au.1 / bu.0 } else { umax = au.1 }
        case .mod:
            if bu.0 > 0 { umax = min(au.1, bu.1 - 1) } else { umax = max(au.1, bu.1 &- 1) }
        case .sdiv, .smod: break
        case .and:
            t = at & bt
            umin = t.value; umax = min(au.1, bu.1)
            if as_.0 >= 0 && bs.0 >= 0 { smin = Int64(umin); smax = Int64(umax) } else if as_.0 >= 0 || bs.0 >= 0 {
                smin = 0; smax = Int64(bitPattern: min(as_.0 >= 0 ? au.1 : m >> 1, bs.0 >= 0 ? bu.1 : m >> 1))
            }
        case .or:
            t = at | bt
            umin = max(au.0, bu.0, t.value); umax = t.value | t.mask
        case .xor:
            t = at ^ bt
            umin = t.value; umax = t.value | t.mask
        case .lsh:
            if bu.1 < bits {
                let s0 = bu.0, s1 = bu.1
                if s1 == 0 || au.1 <= (m >> s1) { umin = (au.0 << s0) & m; umax = (au.1 << s1) & m }
                if let s = src.constantValue { t = at.shiftedLeft(by: s & (bits - 1)) }
            }
        case .rsh:
            if bu.1 < bits {
                umin = au.0 >> bu.1; umax = au.1 >> bu.0
                if let s = src.constantValue { t = at.shiftedRight(by: s & (bits - 1)) }
            }
        case .arsh:
            if bu.1 < bits {
                smin = min(as_.0 >> Int64(bu.0), as_.0 >> Int64(bu.1)); smax = max(as_.1 >> Int64(bu.0), as_.1 >> Int64(bu.1))
                if let s = src.constantValue { t = at.arithmeticShiftedRight(by: s & (bits - 1), bits: Int(bits)) }
            }
        case .neg, .mov: break
        }
        t = Tnum(value: t.value & m, mask: t.mask & m)
        if is64 {
            var r = ScalarBounds(tnum: t, smin: smin, smax: smax, umin: umin, umax: umax, s32min: .min, s32max: .max, u32min: 0, u32max: .max)
            r.sync()
            return r
        }
        var r = ScalarBounds.unknown
        r.tnum = t
        r.u32min = UInt32(umin); r.u32max = UInt32(umax)
        r.s32min = Int32(smin); r.s32max = Int32(smax)
        r.umin = 0; r.umax = 0xffff_ffff; r.smin = 0; r.smax = 0xffff_ffff
        r.sync()
        return r
    }

}
