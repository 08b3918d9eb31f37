// Flag and mode values programs pass to helpers (include/uapi/linux/bpf.h); every value was
// checked against the 6.18 kernel's BTF. Names keep the kernel's words in Swift spelling; each
// doc comment gives the C name to grep for.

/// `flags` of `bpf_map_update_elem()`.
public enum MapUpdateFlags {
    /// `BPF_ANY`: create or update.
    public static let any: UInt64 = 0
    /// `BPF_NOEXIST`: create only; `-EEXIST` if the key exists (arrays: always `-EEXIST`).
    public static let noExist: UInt64 = 1
    /// `BPF_EXIST`: update only; `-ENOENT` if the key does not exist.
    public static let exist: UInt64 = 2
    /// `BPF_F_LOCK`: update under the value's `bpf_spin_lock`.
    public static let lock: UInt64 = 4
}

/// `flags` of `bpf_skb_store_bytes()`.
public enum StoreBytesFlags {
    /// `BPF_F_RECOMPUTE_CSUM`: update `skb->csum` for `CHECKSUM_COMPLETE` packets.
    public static let recomputeChecksum: UInt64 = 1 << 0
    /// `BPF_F_INVALIDATE_HASH`: clear `skb->hash` (`skb_clear_hash()`).
    public static let invalidateHash: UInt64 = 1 << 1
}

/// `flags` / `size` of `bpf_l3_csum_replace()` and `bpf_l4_csum_replace()`.
public enum ChecksumReplaceFlags {
    /// `BPF_F_HDR_FIELD_MASK`: the low 4 bits give the size of the replaced field (0, 2 or 4).
    public static let headerFieldMask: UInt64 = 0xf
    /// `BPF_F_PSEUDO_HDR` (l4 only): the field is part of the pseudo-header.
    public static let pseudoHeader: UInt64 = 1 << 4
    /// `BPF_F_MARK_MANGLED_0` (l4 only): a zero checksum becomes `CSUM_MANGLED_0` (UDP).
    public static let markMangled0: UInt64 = 1 << 5
    /// `BPF_F_MARK_ENFORCE` (l4 only): update even a zero checksum.
    public static let markEnforce: UInt64 = 1 << 6
    /// `BPF_F_IPV6` (l4 only): the pseudo-header is IPv6.
    public static let ipv6: UInt64 = 1 << 7
}

/// `flags` of `bpf_redirect()` and `bpf_clone_redirect()`.
public enum RedirectFlags {
    /// `BPF_F_INGRESS`: deliver to the device's ingress path instead of transmitting.
    public static let ingress: UInt64 = 1 << 0
}

/// `mode` of `bpf_skb_adjust_room()` (`enum bpf_adj_room_mode`).
public enum AdjustRoomMode: UInt32, Sendable, Hashable, CaseIterable {
    /// `BPF_ADJ_ROOM_NET`: add/remove room after the network header.
    case net = 0
    /// `BPF_ADJ_ROOM_MAC`: add/remove room after the MAC header.
    case mac = 1
}

/// `flags` of `bpf_skb_adjust_room()`.
public enum AdjustRoomFlags {
    /// `BPF_F_ADJ_ROOM_FIXED_GSO`: keep `gso_size`.
    public static let fixedGSO: UInt64 = 1 << 0
    /// `BPF_F_ADJ_ROOM_ENCAP_L3_IPV4`.
    public static let encapL3IPv4: UInt64 = 1 << 1
    /// `BPF_F_ADJ_ROOM_ENCAP_L3_IPV6`.
    public static let encapL3IPv6: UInt64 = 1 << 2
    /// `BPF_F_ADJ_ROOM_ENCAP_L4_GRE`.
    public static let encapL4GRE: UInt64 = 1 << 3
    /// `BPF_F_ADJ_ROOM_ENCAP_L4_UDP`.
    public static let encapL4UDP: UInt64 = 1 << 4
    /// `BPF_F_ADJ_ROOM_NO_CSUM_RESET`: keep `CHECKSUM_PARTIAL` state.
    public static let noChecksumReset: UInt64 = 1 << 5
    /// `BPF_F_ADJ_ROOM_ENCAP_L2_ETH`.
    public static let encapL2Ethernet: UInt64 = 1 << 6
    /// `BPF_F_ADJ_ROOM_DECAP_L3_IPV4`.
    public static let decapL3IPv4: UInt64 = 1 << 7
    /// `BPF_F_ADJ_ROOM_DECAP_L3_IPV6`.
    public static let decapL3IPv6: UInt64 = 1 << 8
    /// `BPF_ADJ_ROOM_ENCAP_L2_SHIFT`: bits 56..63 of the flags carry the inner L2 header length.
    public static let encapL2Shift: UInt64 = 56
    /// `BPF_ADJ_ROOM_ENCAP_L2_MASK`.
    public static let encapL2Mask: UInt64 = 0xff

    /// `BPF_F_ADJ_ROOM_ENCAP_L2(len)`.
    public static func encapL2(length: UInt64) -> UInt64 { (length & encapL2Mask) << encapL2Shift }
}

/// `flags` of `bpf_perf_event_output()` (and `bpf_skb_output()`).
public enum PerfEventOutputFlags {
    /// `BPF_F_INDEX_MASK`: the perf event array index.
    public static let indexMask: UInt64 = 0xffff_ffff
    /// `BPF_F_CURRENT_CPU`: use the current CPU's entry.
    public static let currentCPU: UInt64 = 0xffff_ffff
    /// `BPF_F_CTXLEN_MASK`: bits 32..51, how many packet bytes to append to the sample.
    public static let contextLengthMask: UInt64 = 0xfffff << 32
}

/// `flags` of `bpf_ringbuf_output()`, `bpf_ringbuf_submit()`, `bpf_ringbuf_discard()`.
public enum RingbufFlags {
    /// `BPF_RB_NO_WAKEUP`: do not wake the consumer.
    public static let noWakeup: UInt64 = 1 << 0
    /// `BPF_RB_FORCE_WAKEUP`: wake the consumer even if it is not waiting.
    public static let forceWakeup: UInt64 = 1 << 1
    /// `BPF_RINGBUF_BUSY_BIT`: set in a record header's length while the record is reserved.
    public static let busyBit: UInt32 = 1 << 31
    /// `BPF_RINGBUF_DISCARD_BIT`: set in a record header's length when the record was discarded.
    public static let discardBit: UInt32 = 1 << 30
    /// `BPF_RINGBUF_HDR_SZ`: bytes of header in front of every record.
    public static let headerByteCount = 8
}

/// `flags` of `bpf_ringbuf_query()`: which figure to return.
public enum RingbufQuery: UInt64, Sendable, Hashable, CaseIterable {
    /// `BPF_RB_AVAIL_DATA`: bytes not yet consumed.
    case availableData = 0
    /// `BPF_RB_RING_SIZE`.
    case ringSize = 1
    /// `BPF_RB_CONS_POS`: consumer position.
    case consumerPosition = 2
    /// `BPF_RB_PROD_POS`: producer position.
    case producerPosition = 3
}

/// `level` of `bpf_csum_level()`.
public enum ChecksumLevel: UInt64, Sendable, Hashable, CaseIterable {
    /// `BPF_CSUM_LEVEL_QUERY`.
    case query = 0
    /// `BPF_CSUM_LEVEL_INC`.
    case increment = 1
    /// `BPF_CSUM_LEVEL_DEC`.
    case decrement = 2
    /// `BPF_CSUM_LEVEL_RESET`.
    case reset = 3
}

/// `skb->pkt_type` values (`PACKET_*`, include/uapi/linux/if_packet.h), the `pkt_type` context
/// field and the `type` of `bpf_skb_change_type()` (which accepts only host..otherHost).
public enum PacketType: UInt32, Sendable, Hashable, CaseIterable {
    /// `PACKET_HOST`: addressed to this host.
    case host = 0
    /// `PACKET_BROADCAST`.
    case broadcast = 1
    /// `PACKET_MULTICAST`.
    case multicast = 2
    /// `PACKET_OTHERHOST`: addressed to another host (seen in promiscuous mode).
    case otherHost = 3
    /// `PACKET_OUTGOING`.
    case outgoing = 4
    /// `PACKET_LOOPBACK`.
    case loopback = 5
}

/// `tstamp_type` context field values and `bpf_skb_set_tstamp()` types.
public enum TimestampType: UInt8, Sendable, Hashable, CaseIterable {
    /// `BPF_SKB_TSTAMP_UNSPEC` / `BPF_SKB_CLOCK_REALTIME`: `tstamp` is a receive time.
    case unspecified = 0
    /// `BPF_SKB_TSTAMP_DELIVERY_MONO` / `BPF_SKB_CLOCK_MONOTONIC`: a delivery time, CLOCK_MONOTONIC.
    case deliveryMonotonic = 1
    /// `BPF_SKB_CLOCK_TAI`: a delivery time, CLOCK_TAI.
    case tai = 2
}

/// EtherType values (`ETH_P_*`, include/uapi/linux/if_ether.h) programs compare `protocol` and
/// Ethernet headers with, in host order (the packet and `skb->protocol` hold them big-endian).
public enum EtherType {
    /// `ETH_P_IP`.
    public static let ipv4: UInt16 = 0x0800
    /// `ETH_P_ARP`.
    public static let arp: UInt16 = 0x0806
    /// `ETH_P_8021Q`: VLAN tag.
    public static let vlan: UInt16 = 0x8100
    /// `ETH_P_8021AD`: service VLAN tag (QinQ outer).
    public static let qinq: UInt16 = 0x88a8
    /// `ETH_P_IPV6`.
    public static let ipv6: UInt16 = 0x86dd
    /// `ETH_P_MPLS_UC`.
    public static let mplsUnicast: UInt16 = 0x8847
    /// `ETH_P_MPLS_MC`.
    public static let mplsMulticast: UInt16 = 0x8848
    /// `ETH_P_PPP_SES`: PPPoE session.
    public static let pppoeSession: UInt16 = 0x8864
    /// `ETH_P_LLDP`.
    public static let lldp: UInt16 = 0x88cc
    /// `ETH_P_ALL`: every protocol (packet sockets).
    public static let all: UInt16 = 0x0003
}

/// Sizes of headers programs commonly step over.
public enum HeaderLength {
    /// `ETH_HLEN`.
    public static let ethernet = 14
    /// `VLAN_HLEN`.
    public static let vlanTag = 4
    /// Minimum IPv4 header (no options).
    public static let ipv4Minimum = 20
    /// Fixed IPv6 header.
    public static let ipv6 = 40
}
