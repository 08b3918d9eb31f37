/// A tristate number (`struct tnum`, kernel/bpf/tnum.c): bits known to be 0 or 1 (`value`) and
/// unknown bits (`mask`). The verifier's bit-level knowledge of a scalar.
public struct Tnum: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt64
    public var mask: UInt64
    public init(value: UInt64, mask: UInt64) { self.value = value; self.mask = mask }
    public static func constant(_ v: UInt64) -> Tnum { Tnum(value: v, mask: 0) }
    public static let unknown = Tnum(value: 0, mask: ~0)
    public static func range(_ min: UInt64, _ max: UInt64) -> Tnum {
        let chi = min ^ max
        let bits = chi == 0 ? 0 : 64 - chi.leadingZeroBitCount
        if bits > 63 { return .unknown }
        let delta: UInt64 = (1 << UInt64(bits)) &- 1
        return Tnum(value: min & ~delta, mask: delta)
    }
    public var isConstant: Bool { mask == 0 }
    public static func + (a: Tnum, b: Tnum) -> Tnum {
        let sm = a.mask &+ b.mask, sv = a.value &+ b.value
        let sigma = sm &+ sv, chi = sigma ^ sv
        let mu = chi | a.mask | b.mask
        return Tnum(value: sv & ~mu, mask: mu)
    }
    public static func - (a: Tnum, b: Tnum) -> Tnum {
        let dv = a.value &- b.value
        let alpha = dv &+ a.mask, beta = dv &- b.mask
        let chi = alpha ^ beta
        let mu = chi | a.mask | b.mask
        return Tnum(value: dv & ~mu, mask: mu)
    }
    public static func & (a: Tnum, b: Tnum) -> Tnum {
        let alpha = a.value | a.mask, beta = b.value | b.mask
        let v = a.value & b.value
        return Tnum(value: v, mask: alpha & beta & ~v)
    }
    public static func | (a: Tnum, b: Tnum) -> Tnum {
        let v = a.value | b.value
        return Tnum(value: v, mask: (a.mask | b.mask) & ~v)
    }
    public static func ^ (a: Tnum, b: Tnum) -> Tnum {
        let v = a.value ^ b.value, mu = a.mask | b.mask
        return Tnum(value: v & ~mu, mask: mu)
    }
    public func shiftedLeft(by s: UInt64) -> Tnum { Tnum(value: value << s, mask: mask << s) }
    public func shiftedRight(by s: UInt64) -> Tnum { Tnum(value: value >> s, mask: mask >> s) }
    public func arithmeticShiftedRight(by s: UInt64, bits: Int) -> Tnum {
        if bits == 32 {
            return Tnum(value: UInt64(UInt32(bitPattern: Int32(bitPattern: UInt32(truncatingIfNeeded: value)) >> Int32(s))),
                        mask: UInt64(UInt32(bitPattern: Int32(bitPattern: UInt32(truncatingIfNeeded: mask)) >> Int32(s))))
        }
        return Tnum(value: UInt64(bitPattern: Int64(bitPattern: value) >> Int64(s)), mask: UInt64(bitPattern: Int64(bitPattern: mask) >> Int64(s)))
    }
    public func intersect(_ b: Tnum) -> Tnum {
        let v = value | b.value, mu = mask & b.mask
        return Tnum(value: v & ~mu, mask: mu)
    }
    public func cast(toBytes n: Int) -> Tnum {
        if n >= 8 { return self }
        let m: UInt64 = (1 << UInt64(n * 8)) - 1
        return Tnum(value: value & m, mask: mask & m)
    }
    public func contains(_ b: Tnum) -> Bool {
        if b.mask & ~mask != 0 { return false }
        return b.value & ~mask == value
    }
    public func contains(value v: UInt64) -> Bool { v & ~mask == value }
    public var subreg: Tnum { cast(toBytes: 4) }
    public var description: String { "(0x\(String(value, radix: 16)); 0x\(String(mask, radix: 16)))" }
}

