import BPFVM
import Foundation
import PacketBuffer
import TestSupport
import Testing

/// Packet helpers' kernel semantics: checksums left valid by a DNAT rewrite, argument checks,
/// and values measured on this kernel.
@Suite struct SkBuffHelpersTests {
    static let errFault = UInt64(bitPattern: -14), errInvalid = UInt64(bitPattern: -22)

    func frame(_ name: String) throws -> [UInt8] {
        let url = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/samples/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    func skb(_ bytes: [UInt8]) -> SkBuff {
        let skb = SkBuff(capacity: 512, headroom: 64)
        bytes.withUnsafeBytes { _ = skb.load($0, headroom: 64) }
        return skb
    }

    /// Ones'-complement sum of 16-bit big-endian words (a valid checksummed range sums to 0xffff).
    func sum16(_ bytes: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count { sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); i += 2 }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return sum
    }

    func ipv4ChecksumIsValid(_ p: [UInt8]) -> Bool { sum16(Array(p[14..<34])) == 0xffff }

    func tcpChecksumIsValid(_ p: [UInt8]) -> Bool {
        let segment = Array(p[34...])
        let pseudo = Array(p[26..<34]) + [0, 6, UInt8(segment.count >> 8), UInt8(segment.count & 0xff)]
        return sum16(pseudo + segment) == 0xffff
    }

    @Test func dnatRewriteWithChecksumHelpersKeepsChecksumsValid() throws {
        let packet = try frame("tcp_syn_port80.bin")
        #expect(ipv4ChecksumIsValid(packet) && tcpChecksumIsValid(packet))
        let s = skb(packet)
        // Destination 10.0.0.2 -> 10.0.0.99, port 80 -> 8080, as a DNAT program does it.
        let oldAddress = s.getUInt32(at: 30)!, newAddress = UInt32(0x6300_000a)  // raw (network order) words
        let oldPort = UInt64(s.getUInt16(at: 36)!), newPort = UInt64(UInt16(8080).bigEndian)
        #expect(SkBuffHelpers.l4ChecksumReplace(s, offset: 50, from: UInt64(oldAddress), to: UInt64(newAddress), flags: 0x10 | 4) == 0)
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 24, from: UInt64(oldAddress), to: UInt64(newAddress), flags: 4) == 0)
        withUnsafeBytes(of: newAddress) { #expect(SkBuffHelpers.storeBytes(s, offset: 30, from: $0, flags: 0) == 0) }
        #expect(SkBuffHelpers.l4ChecksumReplace(s, offset: 50, from: oldPort, to: newPort, flags: 2) == 0)
        withUnsafeBytes(of: UInt16(newPort)) { #expect(SkBuffHelpers.storeBytes(s, offset: 36, from: $0, flags: 0) == 0) }
        let out = s.byteArray
        #expect(Array(out[30..<34]) == [10, 0, 0, 99])
        #expect(Array(out[36..<38]) == [0x1f, 0x90])
        #expect(ipv4ChecksumIsValid(out))
        #expect(tcpChecksumIsValid(out))
    }

    @Test func checksumReplaceByDiffMatchesFieldReplace() throws {
        let packet = try frame("tcp_syn_port80.bin")
        let a = skb(packet), b = skb(packet)
        let old = UInt32(a.getUInt32(at: 30)!), new = UInt32(0x0101_a8c0)
        let diff = [old].withUnsafeBytes { from in
            [new].withUnsafeBytes { to in SkBuffHelpers.checksumDifference(from: from, to: to, seed: 0) }
        }
        #expect(SkBuffHelpers.l3ChecksumReplace(a, offset: 24, from: 0, to: diff, flags: 0) == 0)
        #expect(SkBuffHelpers.l3ChecksumReplace(b, offset: 24, from: UInt64(old), to: UInt64(new), flags: 4) == 0)
        #expect(a.getUInt16(at: 24) == b.getUInt16(at: 24))
    }

    @Test func checksumDifferenceIsTheKernels() {
        // Measured with kernel_oracle.py: from 0xfffffff0, to 0x01020304 (8-byte words), seed 0x12345 -> 0x275b.
        let result = [UInt64(0xffff_fff0)].withUnsafeBytes { from in
            [UInt64(0x0102_0304)].withUnsafeBytes { to in SkBuffHelpers.checksumDifference(from: from, to: to, seed: 0x12345) }
        }
        #expect(result == 0x275b)
        let bad = [UInt8](repeating: 0, count: 6).withUnsafeBytes { SkBuffHelpers.checksumDifference(from: $0, to: $0, seed: 0) }
        #expect(bad == Self.errInvalid)
        let big = [UInt8](repeating: 0, count: 260).withUnsafeBytes { SkBuffHelpers.checksumDifference(from: $0, to: $0, seed: 0) }
        #expect(big == Self.errInvalid)
    }

    @Test func argumentChecks() throws {
        let s = skb(try frame("tcp_syn_port80.bin"))
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 25, from: 0, to: 0, flags: 2) == Self.errFault)   // odd offset
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 24, from: 1, to: 0, flags: 0) == Self.errInvalid) // diff form needs from 0
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 24, from: 0, to: 0, flags: 3) == Self.errInvalid) // size 3
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 24, from: 0, to: 0, flags: 0x10) == Self.errInvalid) // l4-only flag
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 54, from: 0, to: 0, flags: 2) == Self.errFault)   // past the end
        [UInt8](repeating: 1, count: 4).withUnsafeBytes {
            #expect(SkBuffHelpers.storeBytes(s, offset: 52, from: $0, flags: 0) == Self.errFault)
            #expect(SkBuffHelpers.storeBytes(s, offset: 0, from: $0, flags: 4) == Self.errInvalid)
        }
        var buffer = [UInt8](repeating: 0xaa, count: 8)
        buffer.withUnsafeMutableBytes { #expect(SkBuffHelpers.loadBytes(s, offset: 50, to: $0) == Self.errFault) }
        #expect(buffer == [UInt8](repeating: 0, count: 8))  // zeroed on failure, as the kernel does
        buffer.withUnsafeMutableBytes { #expect(SkBuffHelpers.loadBytes(s, offset: 12, to: $0) == 0) }
        #expect(Array(buffer[0..<2]) == [0x08, 0x00])
    }

    @Test func udpZeroChecksumIsLeftAloneWithMarkMangled0() throws {
        var packet = try frame("udp_dns_query.bin")
        packet[40] = 0
        packet[41] = 0
        let s = skb(packet)
        #expect(SkBuffHelpers.l4ChecksumReplace(s, offset: 40, from: 1, to: 2, flags: 0x20 | 0x10 | 4) == 0)
        #expect(s.getUInt16(at: 40) == 0)
    }

    @Test func hashAndType() {
        let s = SkBuff(capacity: 64)
        #expect(SkBuffHelpers.setHash(s, 0x1234) == 0)
        #expect(s.hash == 0x1234 && s.metadata.pointee.isSoftwareHash)
        s.packetType = .otherHost
        #expect(SkBuffHelpers.changeType(s, 0) == 0)
        #expect(s.packetType == .host)
        #expect(SkBuffHelpers.changeType(s, 4) == Self.errInvalid)
    }
}

extension SkBuffHelpersTests {
    /// The same address rewrite run in the kernel (kernel_oracle.py, a tc program calling
    /// l4_csum_replace(PSEUDO_HDR|4), l3_csum_replace(4), store_bytes) returned these bytes.
    @Test func addressRewriteMatchesTheKernelByteForByte() throws {
        let s = skb(try frame("tcp_syn_port80.bin"))
        let old = UInt64(s.getUInt32(at: 30)!), new: UInt64 = 0x6300_000a
        #expect(SkBuffHelpers.l4ChecksumReplace(s, offset: 50, from: old, to: new, flags: 0x14) == 0)
        #expect(SkBuffHelpers.l3ChecksumReplace(s, offset: 24, from: old, to: new, flags: 4) == 0)
        withUnsafeBytes(of: UInt32(new)) { #expect(SkBuffHelpers.storeBytes(s, offset: 30, from: $0, flags: 0) == 0) }
        let kernel = "02000000000202000000000108004500002812344000400614390a0000010a0000639c40005000000001000000005002fffffeed0000"
        #expect(s.byteArray.map { String(format: "%02x", $0) }.joined() == kernel)
    }
}
