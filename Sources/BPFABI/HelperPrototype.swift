// What the verifier knows about a helper before it looks at a call: the kernel's
// `struct bpf_func_proto` (include/linux/bpf.h). Argument and return classes are the kernel's
// definitions (filter.c, helpers.c, ringbuf.c, core.c, bpf_trace.c); GPL-only and packet access
// were measured on 6.18 (license "Proprietary"; a packet pointer passed as each memory argument).

/// The class of one helper argument (`enum bpf_arg_type` plus its modifier flags).
public enum HelperArgumentType: Sendable, Hashable, CustomStringConvertible {
    /// `ARG_ANYTHING`: any initialized register.
    case anything
    /// `ARG_PTR_TO_CTX`: the unmodified context pointer.
    case context
    /// `ARG_CONST_MAP_PTR`: a map pointer from an LDDW map reference.
    case constMapPointer
    /// `ARG_PTR_TO_MAP_KEY`: readable memory of the map's `key_size` bytes.
    case mapKey
    /// `ARG_PTR_TO_MAP_VALUE`: readable memory of the map's `value_size` bytes.
    case mapValue
    /// `ARG_PTR_TO_MEM`, sized by the next argument; `readOnly` adds `MEM_RDONLY` (the helper
    /// only reads it), `maybeNull` adds `PTR_MAYBE_NULL` (NULL with size 0 is allowed).
    case memory(readOnly: Bool, maybeNull: Bool)
    /// `ARG_PTR_TO_UNINIT_MEM` (`ARG_PTR_TO_MEM | MEM_UNINIT | MEM_WRITE`): memory the helper fills,
    /// sized by the next argument; it need not be initialized.
    case uninitializedMemory
    /// `ARG_CONST_SIZE`: the size of the preceding memory argument, known bounds, not 0.
    case constSize
    /// `ARG_CONST_SIZE_OR_ZERO`: as `constSize`, 0 allowed.
    case constSizeOrZero
    /// `ARG_CONST_ALLOC_SIZE_OR_ZERO`: a constant size for memory the helper allocates.
    case constAllocSizeOrZero
    /// `ARG_PTR_TO_RINGBUF_MEM`, with `OBJ_RELEASE` when `release`: a pointer from
    /// `bpf_ringbuf_reserve()`, whose reference the call releases.
    case ringbufMemory(release: Bool)
    /// `ARG_PTR_TO_SOCK_COMMON`: a socket pointer of any kind, checked against NULL.
    case socketCommon

    /// True for arguments that are pointers to memory the verifier must bounds-check.
    public var isMemory: Bool {
        switch self {
        case .mapKey, .mapValue, .memory, .uninitializedMemory: true
        default: false
        }
    }

    /// The kernel's spelling: `ARG_PTR_TO_MEM | MEM_RDONLY | PTR_MAYBE_NULL`.
    public var description: String {
        switch self {
        case .anything: "ARG_ANYTHING"
        case .context: "ARG_PTR_TO_CTX"
        case .constMapPointer: "ARG_CONST_MAP_PTR"
        case .mapKey: "ARG_PTR_TO_MAP_KEY"
        case .mapValue: "ARG_PTR_TO_MAP_VALUE"
        case .memory(let readOnly, let maybeNull):
            "ARG_PTR_TO_MEM" + (readOnly ? " | MEM_RDONLY" : "") + (maybeNull ? " | PTR_MAYBE_NULL" : "")
        case .uninitializedMemory: "ARG_PTR_TO_UNINIT_MEM"
        case .constSize: "ARG_CONST_SIZE"
        case .constSizeOrZero: "ARG_CONST_SIZE_OR_ZERO"
        case .constAllocSizeOrZero: "ARG_CONST_ALLOC_SIZE_OR_ZERO"
        case .ringbufMemory(let release): "ARG_PTR_TO_RINGBUF_MEM" + (release ? " | OBJ_RELEASE" : "")
        case .socketCommon: "ARG_PTR_TO_SOCK_COMMON"
        }
    }
}

/// What a helper leaves in r0 (`enum bpf_return_type`).
public enum HelperReturnType: Sendable, Hashable, CustomStringConvertible {
    /// `RET_INTEGER`: an unknown 64-bit scalar.
    case integer
    /// `RET_VOID`: r0 is undefined after the call.
    case void
    /// `RET_PTR_TO_MAP_VALUE_OR_NULL`: a pointer to a value of the map argument, or NULL.
    case mapValueOrNull
    /// `RET_PTR_TO_RINGBUF_MEM_OR_NULL` (`PTR_TO_MEM | MEM_RINGBUF | PTR_MAYBE_NULL`): memory of the
    /// constant size argument, or NULL; a non-NULL result is a reference the program must release.
    case ringbufMemoryOrNull
    /// `RET_PTR_TO_SOCKET_OR_NULL`: a full socket, or NULL.
    case socketOrNull
    /// `RET_PTR_TO_TCP_SOCK_OR_NULL`: a TCP socket's `struct bpf_tcp_sock`, or NULL.
    case tcpSocketOrNull

    public var description: String {
        switch self {
        case .integer: "RET_INTEGER"
        case .void: "RET_VOID"
        case .mapValueOrNull: "RET_PTR_TO_MAP_VALUE_OR_NULL"
        case .ringbufMemoryOrNull: "RET_PTR_TO_RINGBUF_MEM_OR_NULL"
        case .socketOrNull: "RET_PTR_TO_SOCKET_OR_NULL"
        case .tcpSocketOrNull: "RET_PTR_TO_TCP_SOCK_OR_NULL"
        }
    }
}

/// The kernel's description of one helper (`struct bpf_func_proto`), for the helpers skbpf runs.
public struct HelperPrototype: Sendable, Hashable, CustomStringConvertible {
    /// The helper described.
    public var id: HelperID
    /// The uapi C declaration: `void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)`.
    public var signature: String
    /// What r0 holds after the call.
    public var returnType: HelperReturnType
    /// The checked arguments, r1 first. Registers past the list are not checked
    /// (`ARG_DONTCARE`): `bpf_trace_printk` also reads r3–r5 unchecked.
    public var arguments: [HelperArgumentType]
    /// `gpl_only`: callable only from programs whose license is GPL-compatible.
    public var isGPLOnly: Bool
    /// `pkt_access`: memory arguments may point into the packet (otherwise the verifier says
    /// "helper access to the packet is not allowed").
    public var allowsPacketAccess: Bool
    /// The map type a ``HelperArgumentType/constMapPointer`` argument must have, when the helper
    /// requires one (`bpf_tail_call`: prog array; `bpf_perf_event_output`: perf event array;
    /// ringbuf helpers: ringbuf).
    public var requiredMapType: MapType?

    /// A prototype; the flags default to the kernel's zero values.
    public init(id: HelperID, signature: String, returnType: HelperReturnType, arguments: [HelperArgumentType],
                isGPLOnly: Bool = false, allowsPacketAccess: Bool = false, requiredMapType: MapType? = nil) {
        self.id = id
        self.signature = signature
        self.returnType = returnType
        self.arguments = arguments
        self.isGPLOnly = isGPLOnly
        self.allowsPacketAccess = allowsPacketAccess
        self.requiredMapType = requiredMapType
    }

    /// True when the call invalidates every packet pointer the program holds (``HelperID/changesPacketData``).
    public var changesPacketData: Bool { id.changesPacketData }
    /// True when a non-NULL result is a reference the program must release before exit.
    public var acquiresReference: Bool { returnType == .ringbufMemoryOrNull }
    /// True when the call releases the reference passed to it.
    public var releasesReference: Bool { arguments.contains(.ringbufMemory(release: true)) }

    public var description: String {
        "\(id): \(returnType)(\(arguments.map(\.description).joined(separator: ", ")))"
    }
}

extension HelperID {
    /// The prototype of this helper, for the helpers skbpf implements; nil for the others.
    public var prototype: HelperPrototype? { coreHelperPrototypes[self] }

    /// Every kernel helper skbpf has a prototype for, by id (not the classic-BPF extension calls,
    /// which no eBPF program may make).
    public static var prototyped: [HelperID] { coreHelperPrototypes.keys.filter { !$0.isClassicExtension }.sorted() }
}

private let coreHelperPrototypes: [HelperID: HelperPrototype] = {
    typealias A = HelperArgumentType
    let readOnlyMemory = A.memory(readOnly: true, maybeNull: false)
    let list: [HelperPrototype] = [
        .init(id: .mapLookupElem, signature: "void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)",
              returnType: .mapValueOrNull, arguments: [.constMapPointer, .mapKey], allowsPacketAccess: true),
        .init(id: .mapUpdateElem,
              signature: "long bpf_map_update_elem(struct bpf_map *map, const void *key, const void *value, u64 flags)",
              returnType: .integer, arguments: [.constMapPointer, .mapKey, .mapValue, .anything],
              allowsPacketAccess: true),
        .init(id: .mapDeleteElem, signature: "long bpf_map_delete_elem(struct bpf_map *map, const void *key)",
              returnType: .integer, arguments: [.constMapPointer, .mapKey], allowsPacketAccess: true),
        .init(id: .ktimeGetNs, signature: "u64 bpf_ktime_get_ns(void)", returnType: .integer, arguments: []),
        .init(id: .tracePrintk, signature: "long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)",
              returnType: .integer, arguments: [readOnlyMemory, .constSize], isGPLOnly: true),
        .init(id: .getPrandomU32, signature: "u32 bpf_get_prandom_u32(void)", returnType: .integer, arguments: []),
        .init(id: .getSmpProcessorId, signature: "u32 bpf_get_smp_processor_id(void)",
              returnType: .integer, arguments: []),
        .init(id: .skbStoreBytes,
              signature: "long bpf_skb_store_bytes(struct sk_buff *skb, u32 offset, const void *from, u32 len, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, readOnlyMemory, .constSize, .anything]),
        .init(id: .l3CsumReplace,
              signature: "long bpf_l3_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64 to, u64 size)",
              returnType: .integer, arguments: [.context, .anything, .anything, .anything, .anything]),
        .init(id: .l4CsumReplace,
              signature: "long bpf_l4_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64 to, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, .anything, .anything, .anything]),
        .init(id: .tailCall, signature: "long bpf_tail_call(void *ctx, struct bpf_map *prog_array_map, u32 index)",
              returnType: .void, arguments: [.context, .constMapPointer, .anything], requiredMapType: .progArray),
        .init(id: .cloneRedirect, signature: "long bpf_clone_redirect(struct sk_buff *skb, u32 ifindex, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .skbVlanPush,
              signature: "long bpf_skb_vlan_push(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .skbVlanPop, signature: "long bpf_skb_vlan_pop(struct sk_buff *skb)",
              returnType: .integer, arguments: [.context]),
        .init(id: .redirect, signature: "long bpf_redirect(u32 ifindex, u64 flags)",
              returnType: .integer, arguments: [.anything, .anything]),
        .init(id: .perfEventOutput,
              signature: "long bpf_perf_event_output(void *ctx, struct bpf_map *map, u64 flags, void *data, u64 size)",
              returnType: .integer,
              arguments: [.context, .constMapPointer, .anything, readOnlyMemory, .constSizeOrZero],
              isGPLOnly: true, requiredMapType: .perfEventArray),
        .init(id: .skbLoadBytes,
              signature: "long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len)",
              returnType: .integer, arguments: [.context, .anything, .uninitializedMemory, .constSize]),
        .init(id: .csumDiff,
              signature: "s64 bpf_csum_diff(__be32 *from, u32 from_size, __be32 *to, u32 to_size, __wsum seed)",
              returnType: .integer,
              arguments: [.memory(readOnly: true, maybeNull: true), .constSizeOrZero,
                          .memory(readOnly: true, maybeNull: true), .constSizeOrZero, .anything],
              allowsPacketAccess: true),
        .init(id: .skbChangeProto,
              signature: "long bpf_skb_change_proto(struct sk_buff *skb, __be16 proto, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .skbChangeType, signature: "long bpf_skb_change_type(struct sk_buff *skb, u32 type)",
              returnType: .integer, arguments: [.context, .anything]),
        .init(id: .getHashRecalc, signature: "u32 bpf_get_hash_recalc(struct sk_buff *skb)",
              returnType: .integer, arguments: [.context]),
        .init(id: .skFullsock, signature: "struct bpf_sock *bpf_sk_fullsock(struct bpf_sock *sk)",
              returnType: .socketOrNull, arguments: [.socketCommon]),
        .init(id: .tcpSock, signature: "struct bpf_tcp_sock *bpf_tcp_sock(struct bpf_sock *sk)",
              returnType: .tcpSocketOrNull, arguments: [.socketCommon]),
        .init(id: .getListenerSock, signature: "struct bpf_sock *bpf_get_listener_sock(struct bpf_sock *sk)",
              returnType: .socketOrNull, arguments: [.socketCommon]),
        .init(id: .skbChangeTail, signature: "long bpf_skb_change_tail(struct sk_buff *skb, u32 len, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .skbPullData, signature: "long bpf_skb_pull_data(struct sk_buff *skb, u32 len)",
              returnType: .integer, arguments: [.context, .anything]),
        .init(id: .csumUpdate, signature: "s64 bpf_csum_update(struct sk_buff *skb, __wsum csum)",
              returnType: .integer, arguments: [.context, .anything]),
        .init(id: .setHashInvalid, signature: "void bpf_set_hash_invalid(struct sk_buff *skb)",
              returnType: .void, arguments: [.context]),
        .init(id: .getNumaNodeId, signature: "long bpf_get_numa_node_id(void)", returnType: .integer, arguments: []),
        .init(id: .skbChangeHead, signature: "long bpf_skb_change_head(struct sk_buff *skb, u32 len, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .setHash, signature: "long bpf_set_hash(struct sk_buff *skb, u32 hash)",
              returnType: .integer, arguments: [.context, .anything]),
        .init(id: .skbAdjustRoom,
              signature: "long bpf_skb_adjust_room(struct sk_buff *skb, s32 len_diff, u32 mode, u64 flags)",
              returnType: .integer, arguments: [.context, .anything, .anything, .anything]),
        .init(id: .skbLoadBytesRelative,
              signature: "long bpf_skb_load_bytes_relative(const void *skb, u32 offset, void *to, u32 len, u32 start_header)",
              returnType: .integer, arguments: [.context, .anything, .uninitializedMemory, .constSize, .anything]),
        .init(id: .fibLookup,
              signature: "long bpf_fib_lookup(void *ctx, struct bpf_fib_lookup *params, int plen, u32 flags)",
              returnType: .integer,
              arguments: [.context, .memory(readOnly: false, maybeNull: false), .constSize, .anything],
              isGPLOnly: true),
        .init(id: .getCurrentPidTgid, signature: "u64 bpf_get_current_pid_tgid(void)", returnType: .integer, arguments: []),
        .init(id: .getCurrentUidGid, signature: "u64 bpf_get_current_uid_gid(void)", returnType: .integer, arguments: []),
        .init(id: .probeReadKernel,
              signature: "long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr)",
              returnType: .integer, arguments: [.uninitializedMemory, .constSizeOrZero, .anything], isGPLOnly: true),
        .init(id: .getSocketCookie, signature: "u64 bpf_get_socket_cookie(struct sk_buff *skb)",
              returnType: .integer, arguments: [.context]),
        .init(id: .getSocketUid, signature: "u32 bpf_get_socket_uid(struct sk_buff *skb)",
              returnType: .integer, arguments: [.context]),
        .init(id: .jiffies64, signature: "u64 bpf_jiffies64(void)", returnType: .integer, arguments: []),
        .init(id: .ktimeGetBootNs, signature: "u64 bpf_ktime_get_boot_ns(void)", returnType: .integer, arguments: []),
        .init(id: .ringbufOutput, signature: "long bpf_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags)",
              returnType: .integer, arguments: [.constMapPointer, readOnlyMemory, .constSizeOrZero, .anything],
              requiredMapType: .ringbuf),
        .init(id: .ringbufReserve, signature: "void *bpf_ringbuf_reserve(void *ringbuf, u64 size, u64 flags)",
              returnType: .ringbufMemoryOrNull, arguments: [.constMapPointer, .constAllocSizeOrZero, .anything],
              requiredMapType: .ringbuf),
        .init(id: .ringbufSubmit, signature: "void bpf_ringbuf_submit(void *data, u64 flags)",
              returnType: .void, arguments: [.ringbufMemory(release: true), .anything]),
        .init(id: .ringbufDiscard, signature: "void bpf_ringbuf_discard(void *data, u64 flags)",
              returnType: .void, arguments: [.ringbufMemory(release: true), .anything]),
        .init(id: .ringbufQuery, signature: "u64 bpf_ringbuf_query(void *ringbuf, u64 flags)",
              returnType: .integer, arguments: [.constMapPointer, .anything], requiredMapType: .ringbuf),
        .init(id: .csumLevel, signature: "long bpf_csum_level(struct sk_buff *skb, u64 level)",
              returnType: .integer, arguments: [.context, .anything]),
        .init(id: .ktimeGetCoarseNs, signature: "u64 bpf_ktime_get_coarse_ns(void)",
              returnType: .integer, arguments: []),
        .init(id: .ktimeGetTaiNs, signature: "u64 bpf_ktime_get_tai_ns(void)", returnType: .integer, arguments: []),
        // The kernel-internal calls of converted classic programs (HelperID+ClassicExtensions.swift).
        .init(id: .classicPayloadOffset, signature: "u32 bpf_skb_get_pay_offset(struct sk_buff *skb)",
              returnType: .integer, arguments: [.context]),
        .init(id: .classicNetlinkAttribute, signature: "u32 bpf_skb_get_nlattr(struct sk_buff *skb, u32 a, u32 x)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .classicNestedNetlinkAttribute,
              signature: "u32 bpf_skb_get_nlattr_nest(struct sk_buff *skb, u32 a, u32 x)",
              returnType: .integer, arguments: [.context, .anything, .anything]),
        .init(id: .classicDeviceType, signature: "u16 skb->dev->type (struct sk_buff *skb)",
              returnType: .integer, arguments: [.context]),
    ]
    return Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0) })
}()
