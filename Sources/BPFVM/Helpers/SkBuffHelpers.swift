public import BPFABI
public import PacketBuffer

// The packet helpers of tc and socket-filter programs, as functions of an SkBuff, with the
// kernel's argument checks and return values (net/core/filter.c). A negative errno comes back as
// the 64-bit two's complement the program sees in r0. The interpreter calls these; they never
// touch memory outside the buffer and the ranges the caller checked.

/// Kernel errno values the helpers return (negated).
public enum HelperErrno: Int64, Sendable {
    case fault = 14      // EFAULT
    case invalid = 22    // EINVAL
    case noMemory = 12   // ENOMEM
    case notSupported = 524  // ENOTSUPP
    case range = 34      // ERANGE
    case already = 114   // EALREADY

    /// The value a helper returns in r0: `-errno`.
    public var returnValue: UInt64 { UInt64(bitPattern: -rawValue) }
}

public enum SkBuffHelpers {
    static let maxOffset = 0xffff

    /// `bpf_skb_store_bytes(skb, offset, from, len, flags)`.
    public static func storeBytes(_ skb: SkBuff, offset: UInt64, from: UnsafeRawBufferPointer, flags: UInt64) -> UInt64 {
        let allowed = StoreBytesFlags.recomputeChecksum | StoreBytesFlags.invalidateHash
        guard flags & ~allowed == 0 else { return HelperErrno.invalid.returnValue }
        guard offset <= UInt64(maxOffset), Int(offset) + from.count <= skb.length else { return HelperErrno.fault.returnValue }
        let at = Int(offset)
        if flags & StoreBytesFlags.recomputeChecksum != 0, skb.checksumState == .complete {
            // __skb_postpull_rcsum then __skb_postpush_rcsum: take the old bytes out, the new in.
            let old = InternetChecksum.partial(UnsafeRawBufferPointer(start: skb.data + at, count: from.count), seed: 0)
            let new = InternetChecksum.partial(from, seed: 0)
            let m = skb.metadata
            m.pointee.checksum = InternetChecksum.add(InternetChecksum.subtract(m.pointee.checksum, old), new)
        }
        skb.writeBytes(from, at: at)
        if flags & StoreBytesFlags.invalidateHash != 0 { clearHash(skb) }
        return 0
    }

    /// `bpf_skb_load_bytes(skb, offset, to, len)`: on failure the destination is zeroed.
    public static func loadBytes(_ skb: SkBuff, offset: UInt64, to: UnsafeMutableRawBufferPointer) -> UInt64 {
        guard offset <= UInt64(maxOffset), let base = to.baseAddress,
              skb.copyBytes(at: Int(offset), count: to.count, into: base)
        else {
            if let base = to.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: to.count) }
            return to.count == 0 && offset <= UInt64(maxOffset) ? 0 : HelperErrno.fault.returnValue
        }
        return 0
    }

    /// `bpf_l3_csum_replace(skb, offset, from, to, flags)`.
    public static func l3ChecksumReplace(_ skb: SkBuff, offset: UInt64, from: UInt64, to: UInt64, flags: UInt64) -> UInt64 {
        let fieldSize = flags & ChecksumReplaceFlags.headerFieldMask
        guard flags & ~ChecksumReplaceFlags.headerFieldMask == 0 else { return HelperErrno.invalid.returnValue }
        guard offset <= UInt64(maxOffset), offset & 1 == 0, let sum = skb.getUInt16(at: Int(offset)) else {
            return HelperErrno.fault.returnValue
        }
        let updated: UInt16
        switch fieldSize {
        case 0:
            guard from == 0 else { return HelperErrno.invalid.returnValue }
            updated = InternetChecksum.replaceByDiff(sum, diff: UInt32(truncatingIfNeeded: to))
        case 2:
            updated = InternetChecksum.replace2(sum, from: UInt16(truncatingIfNeeded: from), to: UInt16(truncatingIfNeeded: to))
        case 4:
            updated = InternetChecksum.replace4(sum, from: UInt32(truncatingIfNeeded: from), to: UInt32(truncatingIfNeeded: to))
        default:
            return HelperErrno.invalid.returnValue
        }
        skb.data.storeBytes(of: updated, toByteOffset: Int(offset), as: UInt16.self)
        return 0
    }

    /// `bpf_l4_csum_replace(skb, offset, from, to, flags)`, with BPF_F_PSEUDO_HDR,
    /// BPF_F_MARK_MANGLED_0, BPF_F_MARK_ENFORCE and BPF_F_IPV6.
    public static func l4ChecksumReplace(_ skb: SkBuff, offset: UInt64, from: UInt64, to: UInt64, flags: UInt64) -> UInt64 {
        let f = ChecksumReplaceFlags.self
        let allowed = f.markMangled0 | f.markEnforce | f.pseudoHeader
            | f.headerFieldMask | f.ipv6
        guard flags & ~allowed == 0 else { return HelperErrno.invalid.returnValue }
        guard offset <= UInt64(maxOffset), offset & 1 == 0, let sum = skb.getUInt16(at: Int(offset)) else {
            return HelperErrno.fault.returnValue
        }
        let isPseudo = flags & f.pseudoHeader != 0
        let markMangled0 = flags & f.markMangled0 != 0
        let enforce = flags & f.markEnforce != 0
        let isIPv6 = flags & f.ipv6 != 0
        // A UDP checksum of 0 means "none": leave it alone unless told to enforce.
        if markMangled0 && !enforce && sum == 0 { return 0 }
        var updated = sum
        switch flags & f.headerFieldMask {
        case 0:
            guard from == 0 else { return HelperErrno.invalid.returnValue }
            updated = protoReplaceByDiff(skb, sum, diff: UInt32(truncatingIfNeeded: to), pseudo: isPseudo, ipv6: isIPv6)
        case 2:
            updated = protoReplace4(skb, sum, from: UInt32(UInt16(truncatingIfNeeded: from)),
                                    to: UInt32(UInt16(truncatingIfNeeded: to)), pseudo: isPseudo)
        case 4:
            updated = protoReplace4(skb, sum, from: UInt32(truncatingIfNeeded: from), to: UInt32(truncatingIfNeeded: to),
                                    pseudo: isPseudo)
        default:
            return HelperErrno.invalid.returnValue
        }
        if markMangled0 && updated == 0 { updated = 0xffff }  // CSUM_MANGLED_0
        skb.data.storeBytes(of: updated, toByteOffset: Int(offset), as: UInt16.self)
        return 0
    }

    /// `inet_proto_csum_replace4`.
    static func protoReplace4(_ skb: SkBuff, _ sum: UInt16, from: UInt32, to: UInt32, pseudo: Bool) -> UInt16 {
        let m = skb.metadata
        if skb.checksumState != .partial {
            if skb.checksumState == .complete && pseudo {
                m.pointee.checksum = ~InternetChecksum.add(InternetChecksum.subtract(~m.pointee.checksum, from), to)
            }
            return InternetChecksum.replace4(sum, from: from, to: to)
        }
        guard pseudo else { return sum }
        return ~InternetChecksum.fold(InternetChecksum.add(InternetChecksum.subtract(UInt32(sum), from), to))
    }

    /// `inet_proto_csum_replace_by_diff`.
    static func protoReplaceByDiff(_ skb: SkBuff, _ sum: UInt16, diff: UInt32, pseudo: Bool, ipv6: Bool) -> UInt16 {
        let m = skb.metadata
        if skb.checksumState != .partial {
            if skb.checksumState == .complete && pseudo && !ipv6 {
                m.pointee.checksum = ~InternetChecksum.subtract(diff, m.pointee.checksum)
            }
            return InternetChecksum.replaceByDiff(sum, diff: diff)
        }
        guard pseudo else { return sum }
        return ~InternetChecksum.fold(InternetChecksum.add(diff, UInt32(sum)))
    }

    /// `bpf_csum_diff(from, from_size, to, to_size, seed)`: sizes are multiples of 4, at most
    /// 512 bytes together; the result is the partial sum of ~from and to, seeded, folded to
    /// 16 bits (`csum_from32to16`), as kernels since 6.13 return it on every architecture
    /// (measured on this kernel: from 0xfffffff0, to 0x01020304, seed 0x12345 gives 0x275b).
    public static func checksumDifference(from: UnsafeRawBufferPointer, to: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let total = from.count + to.count
        guard (from.count | to.count) & 3 == 0, total <= 512 else { return HelperErrno.invalid.returnValue }
        return withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 8) { diff in
            var at = 0
            for i in stride(from: 0, to: from.count, by: 4) {
                diff.storeBytes(of: ~from.loadUnaligned(fromByteOffset: i, as: UInt32.self), toByteOffset: at, as: UInt32.self)
                at += 4
            }
            for i in stride(from: 0, to: to.count, by: 4) {
                diff.storeBytes(of: to.loadUnaligned(fromByteOffset: i, as: UInt32.self), toByteOffset: at, as: UInt32.self)
                at += 4
            }
            let sum = InternetChecksum.partial(UnsafeRawBufferPointer(rebasing: diff[0..<total]),
                                               seed: UInt32(truncatingIfNeeded: seed))
            return UInt64(InternetChecksum.from32to16(sum))
        }
    }

    /// `skb_clear_hash`.
    public static func clearHash(_ skb: SkBuff) {
        skb.metadata.pointee.hash = 0
        skb.metadata.pointee.isSoftwareHash = false
        skb.metadata.pointee.isL4Hash = false
    }

    /// `bpf_set_hash(skb, hash)`: a software hash, marked L4 (`__skb_set_sw_hash(skb, hash, true)` in 6.18).
    public static func setHash(_ skb: SkBuff, _ hash: UInt64) -> UInt64 {
        skb.metadata.pointee.hash = UInt32(truncatingIfNeeded: hash)
        skb.metadata.pointee.isSoftwareHash = true
        skb.metadata.pointee.isL4Hash = true
        return 0
    }

    /// `bpf_skb_change_type(skb, type)`: only between the packet types a host may receive
    /// (`skb_pkt_type_ok`: up to PACKET_OTHERHOST) and only from such a type.
    public static func changeType(_ skb: SkBuff, _ type: UInt64) -> UInt64 {
        guard skb.metadata.pointee.packetType <= PacketBuffer.PacketType.otherHost.rawValue,
              type <= UInt64(PacketBuffer.PacketType.otherHost.rawValue)
        else { return HelperErrno.invalid.returnValue }
        skb.metadata.pointee.packetType = UInt8(type)
        return 0
    }
}
