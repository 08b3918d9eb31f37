// Conditional jumps on scalars: whether a comparison's outcome is already decided
// (`is_scalar_branch_taken`) and what each outcome proves about both operands (`regs_refine_cond_op`).

/// A conditional jump's comparison (`jset` is ``set``, its negation ``notSet``).
public enum Comparison: Sendable, Hashable {
    case eq, ne, gt, ge, lt, le, sgt, sge, slt, sle, set, notSet
    public var negated: Comparison {
        switch self {
        case .eq: .ne
        case .ne: .eq
        case .gt: .le
        case .ge: .lt
        case .lt: .ge
        case .le: .gt
        case .sgt: .sle
        case .sge: .slt
        case .slt: .sge
        case .sle: .sgt
        case .set: .notSet
        case .notSet: .set
        }
    }
}

extension ScalarBounds {
    public static func branchTaken(_ op: Comparison, _ a: ScalarBounds, _ b: ScalarBounds, is32: Bool) -> Bool? {
        let au = is32 ? (UInt64(a.u32min), UInt64(a.u32max)) : (a.umin, a.umax)
        let bu = is32 ? (UInt64(b.u32min), UInt64(b.u32max)) : (b.umin, b.umax)
        let asv = is32 ? (Int64(a.s32min), Int64(a.s32max)) : (a.smin, a.smax)
        let bsv = is32 ? (Int64(b.s32min), Int64(b.s32max)) : (b.smin, b.smax)
        let at = is32 ? a.tnum.subreg : a.tnum, bt = is32 ? b.tnum.subreg : b.tnum
        switch op {
        case .eq:
            if at.isConstant && bt.isConstant { return at.value == bt.value }
            if au.0 > bu.1 || au.1 < bu.0 || asv.0 > bsv.1 || asv.1 < bsv.0 { return false }
            if (at.value ^ bt.value) & ~(at.mask | bt.mask) != 0 { return false }
            return nil
        case .ne: return branchTaken(.eq, a, b, is32: is32).map { !$0 }
        case .gt: if au.0 > bu.1 { return true }; if au.1 <= bu.0 { return false }; return nil
        case .ge: if au.0 >= bu.1 { return true }; if au.1 < bu.0 { return false }; return nil
        case .lt: if au.1 < bu.0 { return true }; if au.0 >= bu.1 { return false }; return nil
        case .le: if au.1 <= bu.0 { return true }; if au.0 > bu.1 { return false }; return nil
        case .sgt: if asv.0 > bsv.1 { return true }; if asv.1 <= bsv.0 { return false }; return nil
        case .sge: if asv.0 >= bsv.1 { return true }; if asv.1 < bsv.0 { return false }; return nil
        case .slt: if asv.1 < bsv.0 { return true }; if asv.0 >= bsv.1 { return false }; return nil
        case .sle: if asv.1 <= bsv.0 { return true }; if asv.0 > bsv.1 { return false }; return nil
        case .set:
            if at.value & bt.value != 0 { return true }
            if (at.value | at.mask) & (bt.value | bt.mask) == 0 { return false }
            return nil
        case .notSet: return branchTaken(.set, a, b, is32: is32).map { !$0 }
        }
    }

    public static func refine(_ op: Comparison, _ a: ScalarBounds, _ b: ScalarBounds, is32: Bool) -> (ScalarBounds, ScalarBounds)? {
        if branchTaken(op, a, b, is32: is32) == false { return nil }
        var x = a, y = b
        if is32 {
            switch op {
            case .eq:
                x.u32min = max(x.u32min, y.u32min); x.u32max = min(x.u32max, y.u32max)
                x.s32min = max(x.s32min, y.s32min); x.s32max = min(x.s32max, y.s32max)
                y.u32min = x.u32min; y.u32max = x.u32max; y.s32min = x.s32min; y.s32max = x.s32max
            case .ne:
                if let c = y.constantValue.map({ UInt32(truncatingIfNeeded: $0) }) {
                    if x.u32min == c { x.u32min &+= 1 }; if x.u32max == c { x.u32max &-= 1 }
                    if x.s32min == Int32(bitPattern: c) { x.s32min &+= 1 }; if x.s32max == Int32(bitPattern: c) { x.s32max &-= 1 }
                }
            case .gt: x.u32min = max(x.u32min, y.u32min &+ 1); y.u32max = min(y.u32max, x.u32max &- 1)
            case .ge: x.u32min = max(x.u32min, y.u32min); y.u32max = min(y.u32max, x.u32max)
            case .lt: x.u32max = min(x.u32max, y.u32max &- 1); y.u32min = max(y.u32min, x.u32min &+ 1)
            case .le: x.u32max = min(x.u32max, y.u32max); y.u32min = max(y.u32min, x.u32min)
            case .sgt: x.s32min = max(x.s32min, y.s32min &+ 1); y.s32max = min(y.s32max, x.s32max &- 1)
            case .sge: x.s32min = max(x.s32min, y.s32min); y.s32max = min(y.s32max, x.s32max)
            case .slt: x.s32max = min(x.s32max, y.s32max &- 1); y.s32min = max(y.s32min, x.s32min &+ 1)
            case .sle: x.s32max = min(x.s32max, y.s32max); y.s32min = max(y.s32min, x.s32min)
            case .set: break
            case .notSet:
                if let c = y.constantValue { let k = c & 0xffff_ffff; x.tnum = Tnum(value: x.tnum.value & ~k, mask: x.tnum.mask & ~k) }
            }
        } else {
            switch op {
            case .eq:
                x.umin = max(x.umin, y.umin); x.umax = min(x.umax, y.umax)
                x.smin = max(x.smin, y.smin); x.smax = min(x.smax, y.smax)
                x.tnum = x.tnum.intersect(y.tnum)
                y.umin = x.umin; y.umax = x.umax; y.smin = x.smin; y.smax = x.smax; y.tnum = x.tnum
            case .ne:
                if let c = y.constantValue {
                    if x.umin == c { x.umin &+= 1 }; if x.umax == c { x.umax &-= 1 }
                    if x.smin == Int64(bitPattern: c) { x.smin &+= 1 }; if x.smax == Int64(bitPattern: c) { x.smax &-= 1 }
                }
                if let c = x.constantValue {
                    if y.umin == c { y.umin &+= 1 }; if y.umax == c { y.umax &-= 1 }
                    if y.smin == Int64(bitPattern: c) { y.smin &+= 1 }; if y.smax == Int64(bitPattern: c) { y.smax &-= 1 }
                }
            case .gt: x.umin = max(x.umin, y.umin &+ 1); y.umax = min(y.umax, x.umax &- 1)
            case .ge: x.umin = max(x.umin, y.umin); y.umax = min(y.umax, x.umax)
            case .lt: x.umax = min(x.umax, y.umax &- 1); y.umin = max(y.umin, x.umin &+ 1)
            case .le: x.umax = min(x.umax, y.umax); y.umin = max(y.umin, x.umin)
            case .sgt: x.smin = max(x.smin, y.smin &+ 1); y.smax = min(y.smax, x.smax &- 1)
            case .sge: x.smin = max(x.smin, y.smin); y.smax = min(y.smax, x.smax)
            case .slt: x.smax = min(x.smax, y.smax &- 1); y.smin = max(y.smin, x.smin &+ 1)
            case .sle: x.smax = min(x.smax, y.smax); y.smin = max(y.smin, x.smin)
            case .set: break
            case .notSet:
                if let c = y.constantValue { x.tnum = Tnum(value: x.tnum.value & ~c, mask: x.tnum.mask & ~c) }
            }
        }
        guard x.rangesValid && y.rangesValid else { return nil }
        x.sync(); y.sync()
        guard x.rangesValid && y.rangesValid else { return nil }
        return (x, y)
    }

    var rangesValid: Bool {
        umin <= umax && smin <= smax && u32min <= u32max && s32min <= s32max && tnum.value & tnum.mask == 0
            && (tnum.value & ~tnum.mask) <= umax && (tnum.value | tnum.mask) >= umin
    }

}
