// The protocol identifiers the link layer hands up: EtherTypes, the kernel's `ETH_P_*`
// (include/uapi/linux/if_ether.h), which is also what `skb->protocol` holds.
//
//   value semantics       0x0800 (ETH_P_IP), as written on the wire and in if_ether.h
//   skb->protocol         htons(ETH_P_IP): the same bytes, stored big-endian (reads 0x0008 here)

/// An EtherType: the network-layer protocol a link header names, as the kernel's `ETH_P_*`
/// constants (`.ipv4.rawValue == 0x0800 == ETH_P_IP`). ``bigEndian`` is the value to store in
/// `skb->protocol` (``SkBuff/protocolBigEndian``), a `__be16` in the kernel.
///
/// Values below 0x0600 are not EtherTypes on the wire but the kernel's pseudo-protocols for
/// frames without one (`ETH_P_802_3`, `ETH_P_802_2`), as `eth_type_trans()` returns them.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protocol number in host order (`ntohs(skb->protocol)`).
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// `ETH_P_IP`.
    public static let ipv4 = EtherType(0x0800)
    /// `ETH_P_ARP`.
    public static let arp = EtherType(0x0806)
    /// `ETH_P_RARP`.
    public static let rarp = EtherType(0x8035)
    /// `ETH_P_8021Q`: an 802.1Q VLAN tag follows.
    public static let vlan = EtherType(0x8100)
    /// `ETH_P_8021AD`: an 802.1ad (QinQ service) VLAN tag follows.
    public static let qinq = EtherType(0x88A8)
    /// `ETH_P_IPV6`.
    public static let ipv6 = EtherType(0x86DD)
    /// `ETH_P_MPLS_UC`.
    public static let mplsUnicast = EtherType(0x8847)
    /// `ETH_P_802_3`: a raw 802.3 frame (Novell IPX; the payload starts with 0xFFFF).
    public static let ieee8023 = EtherType(0x0001)
    /// `ETH_P_802_2`: an 802.3 frame with an 802.2 LLC header.
    public static let ieee8022 = EtherType(0x0004)

    /// The value as `skb->protocol` stores it: network byte order.
    @inlinable public var bigEndian: UInt16 { rawValue.bigEndian }

    /// The EtherType whose `skb->protocol` representation is `value`.
    @inlinable public init(bigEndian value: UInt16) { rawValue = UInt16(bigEndian: value) }

    /// Whether a VLAN tag follows: 802.1Q (0x8100) or 802.1ad (0x88a8), as the kernel's
    /// `eth_type_vlan()`.
    @inlinable public var isVLAN: Bool { self == .vlan || self == .qinq }

    /// `0x0800`.
    public var description: String {
        let digits = String(rawValue, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// One VLAN tag as it sits in a frame: the tag protocol (TPID) and the tag control information.
/// Mirrors `struct vlan_hdr` with the TPID in front, as `skb->vlan_proto` / `skb->vlan_tci` hold
/// an offloaded tag.
public struct VLANTag: Hashable, Sendable {
    /// `ETH_P_8021Q` or `ETH_P_8021AD`.
    public var tagProtocol: EtherType
    /// Priority (3 bits), drop eligible (1), VLAN id (12): `vlan_tci`.
    public var tci: UInt16

    public init(tagProtocol: EtherType = .vlan, tci: UInt16) {
        self.tagProtocol = tagProtocol
        self.tci = tci
    }

    /// `tci & VLAN_VID_MASK`.
    public var vlanID: UInt16 { tci & 0x0FFF }
    /// `(tci & VLAN_PRIO_MASK) >> VLAN_PRIO_SHIFT`.
    public var priority: UInt8 { UInt8(tci >> 13) }
    /// `tci & VLAN_CFI_MASK`: drop eligible.
    public var isDropEligible: Bool { tci & 0x1000 != 0 }
}

/// A 48-bit Ethernet (MAC) address, first octet in the most significant of the low 48 bits.
public struct EthernetAddress: Hashable, Sendable, CustomStringConvertible {
    /// The six octets, big-endian in the low 48 bits: `02:00:00:00:00:01` is 0x0200_0000_0001.
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8, _ f: UInt8) {
        rawValue = UInt64(a) << 40 | UInt64(b) << 32 | UInt64(c) << 24 | UInt64(d) << 16 | UInt64(e) << 8 | UInt64(f)
    }

    /// `ff:ff:ff:ff:ff:ff`.
    public static let broadcast = EthernetAddress(rawValue: 0xFFFF_FFFF_FFFF)

    /// Octet `i` (0 is the first on the wire).
    public func octet(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> (8 * (5 - i))) }

    /// Writes the six octets at `pointer`.
    func store(to pointer: UnsafeMutableRawPointer) {
        for i in 0..<6 { pointer.storeBytes(of: octet(i), toByteOffset: i, as: UInt8.self) }
    }

    /// `02:00:00:00:00:01`.
    public var description: String {
        (0..<6).map { i in
            let digits = String(octet(i), radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }
}
