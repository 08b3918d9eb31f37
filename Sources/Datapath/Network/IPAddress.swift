// Addresses and prefixes of both IP versions in one value, so that the route table, the socket
// table and the pipeline file handle them alike. An IPv4 address is kept as its 32 bits in the
// low word (`high == 0`), never as an IPv4-mapped IPv6 address: the version is a separate field.

/// An IPv4 or IPv6 address.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// IP version: 4 or 6.
    public let version: UInt8
    /// The first 64 bits (IPv6); 0 for IPv4.
    public let high: UInt64
    /// The last 64 bits (IPv6), or the 32 bits of an IPv4 address.
    public let low: UInt64

    /// An IPv4 address from its 32 bits in host order (`0x0a000001` is 10.0.0.1).
    public init(ipv4 value: UInt32) {
        version = 4
        high = 0
        low = UInt64(value)
    }

    /// An IPv6 address from its 128 bits as two host-order halves.
    public init(ipv6High high: UInt64, low: UInt64) {
        version = 6
        self.high = high
        self.low = low
    }

    /// The IPv4 address as 32 bits in host order (meaningful for version 4 only).
    @inlinable public var ipv4: UInt32 { UInt32(truncatingIfNeeded: low) }

    /// Bit count of the address: 32 or 128.
    public var bitCount: Int { version == 4 ? 32 : 128 }

    /// Parses dotted-quad IPv4 (`10.0.0.1`) or RFC 4291 IPv6 text (`2001:db8::1`, `::ffff:1.2.3.4`).
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let (high, low) = Self.parseIPv6(String(text)) else { return nil }
            self.init(ipv6High: high, low: low)
        } else {
            guard let value = Self.parseIPv4(String(text)) else { return nil }
            self.init(ipv4: value)
        }
    }

    /// The address masked to its first `length` bits.
    public func masked(to length: Int) -> IPAddress {
        if version == 4 {
            let mask: UInt32 = length <= 0 ? 0 : length >= 32 ? ~0 : ~0 << UInt32(32 - length)
            return IPAddress(ipv4: ipv4 & mask)
        }
        let highMask: UInt64 = length <= 0 ? 0 : length >= 64 ? ~0 : ~0 << UInt64(64 - length)
        let lowMask: UInt64 = length <= 64 ? 0 : length >= 128 ? ~0 : ~0 << UInt64(128 - length)
        return IPAddress(ipv6High: high & highMask, low: low & lowMask)
    }

    public var description: String {
        if version == 4 {
            let v = ipv4
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        }
        return Self.formatIPv6(high: high, low: low)
    }

    static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2, !text.contains(":::") else { return nil }
        func parseGroups(_ part: String, allowsIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                if allowsIPv4Tail && i == fields.count - 1 && field.contains(".") {
                    guard let v4 = parseIPv4(String(field)) else { return nil }
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xffff))
                } else {
                    guard !field.isEmpty, field.count <= 4, let group = UInt16(field, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        if halves.count == 2 {
            guard let head = parseGroups(halves[0], allowsIPv4Tail: false),
                  let tail = parseGroups(halves[1], allowsIPv4Tail: true), head.count + tail.count <= 7
            else { return nil }
            groups = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = parseGroups(halves[0], allowsIPv4Tail: true), all.count == 8 else { return nil }
            groups = all
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(groups[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(groups[i]) }
        return (high, low)
    }

    /// RFC 5952 text: lowercase, leading zeros dropped, the longest run (≥ 2) of zero groups as `::`.
    static func formatIPv6(high: UInt64, low: UInt64) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i))
            groups[4 + i] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i))
        }
        var bestStart = -1, bestLength = 1, runStart = -1
        for i in 0...8 {
            if i < 8 && groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

/// An address prefix, `10.0.0.0/8` or `2001:db8::/32`: the address is stored masked. The
/// address as written is kept too, for a device address (`10.0.0.1/24` names the local address
/// 10.0.0.1 and the connected prefix 10.0.0.0/24, as `ip addr add` reads it); equality and
/// hashing are the prefix's (address and length) alone.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let length: Int
    /// The address as given, host bits included (10.0.0.1 of `10.0.0.1/24`).
    public let unmaskedAddress: IPAddress

    /// A prefix of `length` bits of `address` (bits past the prefix are cleared).
    public init?(_ address: IPAddress, length: Int) {
        guard length >= 0, length <= address.bitCount else { return nil }
        self.address = address.masked(to: length)
        self.length = length
        self.unmaskedAddress = address
    }

    public static func == (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        lhs.address == rhs.address && lhs.length == rhs.length
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(length)
    }

    /// Parses `ADDRESS/LENGTH`, or a bare address as a host prefix (/32, /128); `default` is
    /// 0.0.0.0/0 and `default6` ::/0, as `ip route` says them.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if text == "default" { self.init(IPAddress(ipv4: 0), length: 0); return }
        if text == "default6" { self.init(IPAddress(ipv6High: 0, low: 0), length: 0); return }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        if parts.count == 1 {
            self.init(address, length: address.bitCount)
        } else {
            guard parts[1].allSatisfy(\.isASCII), let length = Int(parts[1]) else { return nil }
            self.init(address, length: length)
        }
    }

    /// Whether `other` lies inside this prefix (same version, same leading bits).
    @inlinable public func contains(_ other: IPAddress) -> Bool {
        other.version == address.version && other.masked(to: length) == address
    }

    public var description: String { "\(address)/\(length)" }
}
