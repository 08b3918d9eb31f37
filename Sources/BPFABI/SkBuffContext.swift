// `struct __sk_buff` (include/uapi/linux/bpf.h): the 192 bytes a tc or socket-filter program sees
// through r1. It is a view, not memory: the verifier rewrites every access into loads and stores of
// the real `struct sk_buff` (`bpf_convert_ctx_access()`, net/core/filter.c), so skbpf computes each
// field from its packet buffer instead of keeping this struct anywhere.
//
//    0 len          4 pkt_type      8 mark         12 queue_mapping  16 protocol      20 vlan_present
//   24 vlan_tci    28 vlan_proto   32 priority     36 ingress_ifindex 40 ifindex      44 tc_index
//   48 cb[0..4] (20 bytes)                          68 hash           72 tc_classid    76 data
//   80 data_end    84 napi_id      88 family       92 remote_ip4     96 local_ip4    100 remote_ip6[4]
//  116 local_ip6[4]                132 remote_port 136 local_port    140 data_meta   144 flow_keys (8)
//  152 tstamp (8)                  160 wire_len   164 gso_segs      168 sk (8)       176 gso_size
//  180 tstamp_type (1) 181..183 padding            184 hwtstamp (8)                   192 end

/// The layout of `struct __sk_buff`, the context of socket-filter and tc programs.
public enum SkBuffContext {
    /// `sizeof(struct __sk_buff)`.
    public static let byteCount = 192

    /// The fields of `struct __sk_buff`, arrays (`cb`, `remote_ip6`, `local_ip6`) as one field each.
    ///
    /// Every byte of the struct belongs to exactly one field; bytes 181–183 are ``padding``.
    public enum Field: UInt8, CaseIterable, Sendable, Hashable, CustomStringConvertible {
        /// `skb->len`: bytes of packet data (tc: the whole frame; socket filters start at the network header).
        case len
        /// The low 3 bits of `skb->pkt_type` (``PacketType``).
        case pktType
        /// `skb->mark` (tc may write it).
        case mark
        /// `skb->queue_mapping` (u16; tc writes of values >= 0xffff are ignored).
        case queueMapping
        /// `skb->protocol`: the EtherType in network byte order in the low 16 bits.
        case `protocol`
        /// `skb->vlan_all != 0`, computed.
        case vlanPresent
        /// `skb->vlan_tci` (u16).
        case vlanTCI
        /// `skb->vlan_proto` (u16, network order).
        case vlanProto
        /// `skb->priority` (tc may write it).
        case priority
        /// `skb->skb_iif`: the device the packet arrived on.
        case ingressIfindex
        /// `skb->dev->ifindex`, 0 without a device.
        case ifindex
        /// `skb->tc_index` (u16; tc may write it).
        case tcIndex
        /// `cb[0..4]`: 20 bytes of scratch space (`qdisc_skb_cb(skb)->data`) programs may read and write.
        case cb
        /// `skb->hash` as stored (no recomputation; see `bpf_get_hash_recalc`).
        case hash
        /// `qdisc_skb_cb(skb)->tc_classid` (u16; tc only, writable).
        case tcClassid
        /// `skb->data` as a packet pointer (tc only).
        case data
        /// `data + skb_headlen(skb)` as the packet-end pointer (tc only).
        case dataEnd
        /// `skb->napi_id`, reported as 0 below `MIN_NAPI_ID` (257).
        case napiID
        /// `family`..`local_port`: the socket's addresses, for sk_skb programs only.
        case family, remoteIP4, localIP4, remoteIP6, localIP6, remotePort, localPort
        /// `data - metadata length` as the packet-meta pointer (tc only).
        case dataMeta
        /// Flow dissector keys pointer: flow dissector programs only.
        case flowKeys
        /// `skb->tstamp` (8 bytes only; tc may write it). At tc ingress a delivery time reads as 0
        /// unless the program also reads `tstamp_type`.
        case tstamp
        /// `qdisc_skb_cb(skb)->pkt_len`: the length on the wire (tc only).
        case wireLen
        /// `skb_shinfo(skb)->gso_segs` (u16).
        case gsoSegs
        /// `skb->sk` as a `sock_common` pointer or NULL (8-byte read only).
        case sk
        /// `skb_shinfo(skb)->gso_size` (u16).
        case gsoSize
        /// The timestamp's clock (``TimestampType``): tc only, 1-byte read only.
        case tstampType
        /// Bytes 181..<184, never accessible.
        case padding
        /// `skb_hwtstamps(skb)->hwtstamp` (8-byte read only, tc only).
        case hwtstamp

        /// Offset of the field's first byte in `struct __sk_buff`.
        public var offset: Int { Self.layout[Int(rawValue)].offset }
        /// Size in bytes of the whole field (20 for `cb`, 16 for the IPv6 addresses).
        public var byteCount: Int { Self.layout[Int(rawValue)].byteCount }
        /// Number of array elements: 5 for `cb`, 4 for the IPv6 addresses, else 1.
        public var elementCount: Int { Self.layout[Int(rawValue)].elementCount }
        /// The uapi member name: `mark`, `cb`, `tstamp_type`.
        public var name: String { Self.layout[Int(rawValue)].name }
        /// The bytes of the struct the field covers.
        public var range: Range<Int> { offset..<(offset + byteCount) }

        /// Width of the kernel value behind the field, as `bpf_convert_ctx_access()` loads it.
        ///
        /// `protocol`, `queue_mapping`, `vlan_tci`, `vlan_proto`, `tc_index`, `tc_classid`,
        /// `gso_segs`, `gso_size` are 16-bit, `pkt_type`, `vlan_present` and `tstamp_type` 8-bit in
        /// the kernel: reads zero-extend them and 4-byte writes truncate to them. This width also
        /// decides whether a narrow read is shifted and masked (see ``ContextRead``). Pointer fields
        /// report 8.
        public var valueByteCount: Int {
            switch self {
            case .pktType, .vlanPresent, .tstampType: 1
            case .queueMapping, .protocol, .vlanTCI, .vlanProto, .tcIndex, .tcClassid, .gsoSegs, .gsoSize: 2
            case .data, .dataEnd, .dataMeta, .sk, .flowKeys, .tstamp, .hwtstamp: 8
            case .remoteIP6, .localIP6, .cb: 4   // per element
            case .padding: 0
            default: 4
            }
        }

        public var description: String { name }

        /// The field containing byte `offset` of the struct, or nil outside `0..<192`.
        public init?(containing offset: Int) {
            guard offset >= 0, offset < SkBuffContext.byteCount else { return nil }
            self = Self.owners[offset]
        }

        // Fields are sorted by offset and tile the struct: byte i belongs to the last field starting
        // at or before i.
        private static let owners: [Field] = (0..<SkBuffContext.byteCount).map { byte in
            Field.allCases.last { $0.offset <= byte } ?? .len
        }

        private static let layout: [(name: String, offset: Int, byteCount: Int, elementCount: Int)] = [
            ("len", 0, 4, 1), ("pkt_type", 4, 4, 1), ("mark", 8, 4, 1), ("queue_mapping", 12, 4, 1),
            ("protocol", 16, 4, 1), ("vlan_present", 20, 4, 1), ("vlan_tci", 24, 4, 1), ("vlan_proto", 28, 4, 1),
            ("priority", 32, 4, 1), ("ingress_ifindex", 36, 4, 1), ("ifindex", 40, 4, 1), ("tc_index", 44, 4, 1),
            ("cb", 48, 20, 5), ("hash", 68, 4, 1), ("tc_classid", 72, 4, 1), ("data", 76, 4, 1),
            ("data_end", 80, 4, 1), ("napi_id", 84, 4, 1), ("family", 88, 4, 1), ("remote_ip4", 92, 4, 1),
            ("local_ip4", 96, 4, 1), ("remote_ip6", 100, 16, 4), ("local_ip6", 116, 16, 4),
            ("remote_port", 132, 4, 1), ("local_port", 136, 4, 1), ("data_meta", 140, 4, 1),
            ("flow_keys", 144, 8, 1), ("tstamp", 152, 8, 1), ("wire_len", 160, 4, 1), ("gso_segs", 164, 4, 1),
            ("sk", 168, 8, 1), ("gso_size", 176, 4, 1), ("tstamp_type", 180, 1, 1), ("padding", 181, 3, 1),
            ("hwtstamp", 184, 8, 1),
        ]
    }

    /// Every member of the uapi struct, arrays expanded (`cb[0]`…`cb[4]`), in offset order:
    /// 45 rows that cover bytes 0..<192 exactly once (the padding as `__pad`).
    public static let fields: [ContextField] = Field.allCases.flatMap { field -> [ContextField] in
        let n = field.elementCount
        if n == 1 {
            return [ContextField(field: field, name: field == .padding ? "__pad" : field.name,
                                 offset: field.offset, byteCount: field.byteCount)]
        }
        let size = field.byteCount / n
        return (0..<n).map { i in
            ContextField(field: field, name: "\(field.name)[\(i)]", offset: field.offset + i * size, byteCount: size)
        }
    }
}

/// One member of `struct __sk_buff` as the uapi header declares it: `cb[2]` at 56, 4 bytes.
public struct ContextField: Sendable, Hashable, CustomStringConvertible {
    /// The field (array elements share their array's field).
    public var field: SkBuffContext.Field
    /// The member's name with its index for array elements: `cb[2]`, `remote_ip6[0]`.
    public var name: String
    /// Offset in `struct __sk_buff`.
    public var offset: Int
    /// Size in bytes.
    public var byteCount: Int

    /// A row of the layout table.
    public init(field: SkBuffContext.Field, name: String, offset: Int, byteCount: Int) {
        self.field = field
        self.name = name
        self.offset = offset
        self.byteCount = byteCount
    }

    public var description: String { "\(name) @\(offset) (\(byteCount) bytes)" }
}
