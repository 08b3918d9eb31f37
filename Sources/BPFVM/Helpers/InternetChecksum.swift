// Ones'-complement checksum arithmetic exactly as the kernel's include/net/checksum.h and
// arch/x86/lib/csum-partial_64.c compute it, bit for bit, so that helper results (csum_diff's
// 32-bit value, the checksums a rewrite leaves in the packet) equal the kernel's.
// Values are "raw": 16/32-bit words as loaded from packet memory on this little-endian host,
// as the kernel's `__sum16`/`__be32`/`__wsum` are used.

package enum InternetChecksum {
    /// `csum_add`: 32-bit add with end-around carry.
    @inline(__always)
    package static func add(_ a: UInt32, _ b: UInt32) -> UInt32 {
        let (sum, carry) = a.addingReportingOverflow(b)
        return sum &+ (carry ? 1 : 0)
    }

    /// `csum_sub`.
    @inline(__always)
    package static func subtract(_ a: UInt32, _ b: UInt32) -> UInt32 { add(a, ~b) }

    /// `csum_fold`: 32-bit partial sum to the final 16-bit checksum (complemented).
    @inline(__always)
    package static func fold(_ sum: UInt32) -> UInt16 {
        var s = (sum & 0xffff) &+ (sum >> 16)
        s = (s & 0xffff) &+ (s >> 16)
        return ~UInt16(truncatingIfNeeded: s)
    }

    /// `csum_from32to16`: the 32-bit partial sum folded to 16 bits with end-around carry, not complemented.
    @inline(__always)
    package static func from32to16(_ sum: UInt32) -> UInt16 {
        let rotated = sum &+ ((sum >> 16) | (sum << 16))
        return UInt16(truncatingIfNeeded: rotated >> 16)
    }

    /// `csum16_add`.
    @inline(__always)
    package static func add16(_ a: UInt16, _ b: UInt16) -> UInt16 {
        let (sum, carry) = a.addingReportingOverflow(b)
        return sum &+ (carry ? 1 : 0)
    }

    /// `csum_replace2`: update checksum `sum` for a 16-bit field changing from `old` to `new`.
    package static func replace2(_ sum: UInt16, from old: UInt16, to new: UInt16) -> UInt16 {
        ~add16(add16(~sum, ~old), new)
    }

    /// `csum_replace4`.
    package static func replace4(_ sum: UInt16, from old: UInt32, to new: UInt32) -> UInt16 {
        fold(add(subtract(UInt32(~sum), old), new))
    }

    /// `csum_replace_by_diff`.
    package static func replaceByDiff(_ sum: UInt16, diff: UInt32) -> UInt16 {
        fold(add(diff, UInt32(~sum)))
    }

    /// `add64_with_carry`.
    @inline(__always)
    package static func add64(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, carry) = a.addingReportingOverflow(b)
        return sum &+ (carry ? 1 : 0)
    }

    /// x86-64 `csum_partial`: 64-bit accumulation with end-around carry over 8-byte words, a
    /// zero-padded tail, folded to 32 bits. Returns the 32-bit `__wsum`.
    package static func partial(_ bytes: UnsafeRawBufferPointer, seed: UInt32) -> UInt32 {
        var accumulator = UInt64(seed)
        var offset = 0
        while offset + 8 <= bytes.count {
            accumulator = add64(accumulator, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var trail: UInt64 = 0
            for i in offset..<bytes.count { trail |= UInt64(bytes[i]) << (8 * UInt64(i - offset)) }
            accumulator = add64(accumulator, trail)
        }
        return add(UInt32(truncatingIfNeeded: accumulator >> 32), UInt32(truncatingIfNeeded: accumulator))
    }
}
