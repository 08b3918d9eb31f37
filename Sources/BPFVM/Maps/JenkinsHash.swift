/// Bob Jenkins' lookup3 hash as the kernel's `jhash()`/`jhash2()` compute it
/// (include/linux/jhash.h), which `htab_map_hash()` uses to pick a hash map's bucket.
///
/// With the same seed the buckets, and so the order `BPF_MAP_GET_NEXT_KEY` walks, are the
/// kernel's: a map created with `BPF_F_ZERO_SEED` dumps in the same order on both sides.
/// `jhash2()` over `n` words equals `jhash()` over `4n` bytes on a little-endian machine, so one
/// byte-wise function serves both.
enum JenkinsHash {
    /// `JHASH_INITVAL`.
    static let initialValue: UInt32 = 0xdead_beef

    /// `jhash(key, count, seed)`.
    @inline(__always)
    static func hash(_ key: UnsafeRawPointer, count: Int, seed: UInt32) -> UInt32 {
        var a = initialValue &+ UInt32(truncatingIfNeeded: count) &+ seed
        var b = a
        var c = a
        var p = key
        var remaining = count
        while remaining > 12 {
            a &+= p.loadUnaligned(as: UInt32.self).littleEndian
            b &+= p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
            c &+= p.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
            mix(&a, &b, &c)
            remaining -= 12
            p += 12
        }
        if remaining == 0 { return c }
        // The last 1...12 bytes: the kernel adds byte i shifted by 8·(i mod 4) into word i/4, which
        // is the little-endian value of the partial words.
        a &+= partialWord(p, from: 0, to: remaining)
        b &+= partialWord(p, from: 4, to: remaining)
        c &+= partialWord(p, from: 8, to: remaining)
        final(&a, &b, &c)
        return c
    }

    @inline(__always)
    private static func partialWord(_ p: UnsafeRawPointer, from start: Int, to end: Int) -> UInt32 {
        var word: UInt32 = 0
        var i = start
        while i < min(start + 4, end) {
            word |= UInt32(p.load(fromByteOffset: i, as: UInt8.self)) << UInt32(8 * (i - start))
            i += 1
        }
        return word
    }

    @inline(__always)
    private static func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

    /// `__jhash_mix`.
    @inline(__always)
    private static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c; a ^= rotate(c, 4); c &+= b
        b &-= a; b ^= rotate(a, 6); a &+= c
        c &-= b; c ^= rotate(b, 8); b &+= a
        a &-= c; a ^= rotate(c, 16); c &+= b
        b &-= a; b ^= rotate(a, 19); a &+= c
        c &-= b; c ^= rotate(b, 4); b &+= a
    }

    /// `__jhash_final`.
    @inline(__always)
    private static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b; c &-= rotate(b, 14)
        a ^= c; a &-= rotate(c, 11)
        b ^= a; b &-= rotate(a, 25)
        c ^= b; c &-= rotate(b, 16)
        a ^= c; a &-= rotate(c, 4)
        b ^= a; b &-= rotate(a, 14)
        c ^= b; c &-= rotate(b, 24)
    }
}
