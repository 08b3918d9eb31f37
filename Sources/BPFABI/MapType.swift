/// A kernel map type (`enum bpf_map_type`, include/uapi/linux/bpf.h), 6.18 numbering.
public enum MapType: UInt32, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// `BPF_MAP_TYPE_UNSPEC`: not a map type.
    case unspec = 0
    /// `BPF_MAP_TYPE_HASH`: key to value, preallocated elements.
    case hash = 1
    /// `BPF_MAP_TYPE_ARRAY`: `u32` index to value, every element exists and starts zeroed.
    case array = 2
    /// `BPF_MAP_TYPE_PROG_ARRAY`: program table for `bpf_tail_call`.
    case progArray = 3
    /// `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: per-CPU perf buffers for `bpf_perf_event_output`.
    case perfEventArray = 4
    /// `BPF_MAP_TYPE_PERCPU_HASH`: a hash with one value per CPU.
    case percpuHash = 5
    /// `BPF_MAP_TYPE_PERCPU_ARRAY`: an array with one value per CPU.
    case percpuArray = 6
    case stackTrace = 7
    case cgroupArray = 8
    /// `BPF_MAP_TYPE_LRU_HASH`: a hash that evicts the least recently used element when full.
    case lruHash = 9
    /// `BPF_MAP_TYPE_LRU_PERCPU_HASH`: an LRU hash with one value per CPU.
    case lruPercpuHash = 10
    case lpmTrie = 11
    case arrayOfMaps = 12
    case hashOfMaps = 13
    case devmap = 14
    case sockmap = 15
    case cpumap = 16
    case xskmap = 17
    case sockhash = 18
    case cgroupStorage = 19
    case reuseportSockarray = 20
    case percpuCgroupStorage = 21
    case queue = 22
    case stack = 23
    case skStorage = 24
    case devmapHash = 25
    case structOps = 26
    /// `BPF_MAP_TYPE_RINGBUF`: a shared ring buffer; `max_entries` is its size in bytes.
    case ringbuf = 27
    case inodeStorage = 28
    case taskStorage = 29
    case bloomFilter = 30
    case userRingbuf = 31
    case cgrpStorage = 32
    case arena = 33

    /// The kernel's name without the prefix, as `bpftool` prints it: `hash`, `percpu_array`.
    public var kernelName: String { mapTypeNames[Int(rawValue)] }

    /// `BPF_MAP_TYPE_PERCPU_ARRAY`.
    public var description: String { "BPF_MAP_TYPE_" + kernelName.uppercased() }

    /// The map types skbpf implements; others are refused with ``MapDefinitionError/Reason/unsupportedType``.
    public var isSupported: Bool {
        switch self {
        case .hash, .array, .progArray, .perfEventArray, .percpuHash, .percpuArray, .lruHash, .lruPercpuHash,
             .ringbuf:
            true
        default: false
        }
    }

    /// True for the per-CPU types, whose lookups see the current CPU's copy of the value.
    public var isPerCPU: Bool { self == .percpuHash || self == .percpuArray || self == .lruPercpuHash }

    /// Which helpers a map of this type may be passed to, when the type restricts it
    /// (`check_map_func_compatibility()`, kernel/bpf/verifier.c); nil when any map helper will do.
    public var allowedHelpers: Set<HelperID>? {
        switch self {
        case .progArray: [.tailCall]
        case .perfEventArray: [.perfEventRead, .perfEventOutput, .perfEventReadValue, .skbOutput, .xdpOutput]
        case .ringbuf:
            [.ringbufOutput, .ringbufReserve, .ringbufQuery, .ringbufReserveDynptr, .ringbufSubmitDynptr,
             .ringbufDiscardDynptr]
        default: nil
        }
    }
}

/// `bpf_map_type` names without `BPF_MAP_TYPE_`, lower-cased, indexed by value.
private let mapTypeNames = [
    "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array", "stack_trace",
    "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps", "hash_of_maps", "devmap",
    "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage",
    "queue", "stack", "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage",
    "bloom_filter", "user_ringbuf", "cgrp_storage", "arena",
]
