/// Flags of a map definition (`map_flags` of `BPF_MAP_CREATE`, the `BPF_F_*` map flags).
public struct MapFlags: OptionSet, Sendable, Hashable {
    /// The `map_flags` word.
    public var rawValue: UInt32
    /// Flags from a raw `map_flags` word.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `BPF_F_NO_PREALLOC`: hash maps allocate elements on update instead of up front.
    public static let noPrealloc = MapFlags(rawValue: 1 << 0)
    /// `BPF_F_NO_COMMON_LRU`: LRU hash maps keep one LRU list per CPU.
    public static let noCommonLRU = MapFlags(rawValue: 1 << 1)
    /// `BPF_F_NUMA_NODE`: `numa_node` is valid.
    public static let numaNode = MapFlags(rawValue: 1 << 2)
    /// `BPF_F_RDONLY`: the map's file descriptor is read-only for user space.
    public static let readOnly = MapFlags(rawValue: 1 << 3)
    /// `BPF_F_WRONLY`: the map's file descriptor is write-only for user space.
    public static let writeOnly = MapFlags(rawValue: 1 << 4)
    /// `BPF_F_STACK_BUILD_ID`: stack-trace maps store build ids.
    public static let stackBuildID = MapFlags(rawValue: 1 << 5)
    /// `BPF_F_ZERO_SEED`: hash maps use a zero hash seed (testing only; needs CAP_SYS_ADMIN).
    public static let zeroSeed = MapFlags(rawValue: 1 << 6)
    /// `BPF_F_RDONLY_PROG`: programs may only read the map.
    public static let readOnlyProgram = MapFlags(rawValue: 1 << 7)
    /// `BPF_F_WRONLY_PROG`: programs may only write the map.
    public static let writeOnlyProgram = MapFlags(rawValue: 1 << 8)
    /// `BPF_F_CLONE`: clone the map's BTF with the map (sk storage).
    public static let clone = MapFlags(rawValue: 1 << 9)
    /// `BPF_F_MMAPABLE`: array maps can be mmap()ed.
    public static let mmapable = MapFlags(rawValue: 1 << 10)
    /// `BPF_F_PRESERVE_ELEMS`: perf event arrays keep their entries when the map fd closes.
    public static let preserveElements = MapFlags(rawValue: 1 << 11)
    /// `BPF_F_INNER_MAP`: the array may be an inner map of differing `max_entries`.
    public static let innerMap = MapFlags(rawValue: 1 << 12)

    /// `BPF_F_ACCESS_MASK`.
    static let accessMask: MapFlags = [.readOnly, .writeOnly, .readOnlyProgram, .writeOnlyProgram]
}

/// A map as a program declares it (`struct bpf_map_def` or a BTF `.maps` entry): the
/// `BPF_MAP_CREATE` attributes skbpf needs.
public struct MapDefinition: Sendable, Hashable, CustomStringConvertible {
    /// `map_type`.
    public var type: MapType
    /// `key_size` in bytes.
    public var keySize: UInt32
    /// `value_size` in bytes.
    public var valueSize: UInt32
    /// `max_entries`: elements, or bytes for a ring buffer.
    public var maxEntries: UInt32
    /// `map_flags`.
    public var flags: MapFlags
    /// The map's name, as it reaches `map_name` (at most 15 bytes of `[A-Za-z0-9_.]`).
    public var name: String

    /// A definition; nothing is checked until ``validate()``.
    public init(type: MapType, keySize: UInt32, valueSize: UInt32, maxEntries: UInt32,
                flags: MapFlags = [], name: String) {
        self.type = type
        self.keySize = keySize
        self.valueSize = valueSize
        self.maxEntries = maxEntries
        self.flags = flags
        self.name = name
    }

    public var description: String {
        "\(type.kernelName) \"\(name)\" key \(keySize) value \(valueSize) max_entries \(maxEntries)"
            + (flags.isEmpty ? "" : " flags 0x\(String(flags.rawValue, radix: 16))")
    }

    /// Checks the definition as `BPF_MAP_CREATE` would, and throws the errno the kernel returns.
    ///
    /// Mirrors `map_create()` (kernel/bpf/syscall.c) with each type's `map_alloc_check` /
    /// `map_alloc` (`array_map_alloc_check()`, `fd_array_map_alloc_check()`,
    /// `htab_map_alloc_check()`, `ringbuf_map_alloc()`), in the kernel's order, so a definition
    /// with several faults reports the errno the kernel would; each case was confirmed against the
    /// 6.18 kernel. Memory limits (`ENOMEM`) are not modelled. Map types skbpf does not implement
    /// fail with ``MapDefinitionError/Reason/unsupportedType``.
    public func validate() throws(MapDefinitionError) {
        func fail(_ errno: KernelErrno, _ reason: MapDefinitionError.Reason) -> MapDefinitionError {
            MapDefinitionError(mapName: name, errno: errno, reason: reason)
        }
        guard type != .unspec else { throw fail(.einval, .unknownType(type.rawValue)) }
        guard type.isSupported else { throw fail(.einval, .unsupportedType(type)) }
        if flags.contains([.readOnlyProgram, .writeOnlyProgram]) {
            throw fail(.einval, .conflictingFlags("BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG"))
        }

        switch type {
        case .array, .percpuArray, .progArray, .perfEventArray:
            if type == .progArray || type == .perfEventArray {
                // fd_array_map_alloc_check(): values are file descriptors of programs/perf events.
                if valueSize != 4 { throw fail(.einval, .valueSize(valueSize, expected: "4")) }
                if !flags.isDisjoint(with: [.readOnlyProgram, .writeOnlyProgram]) {
                    throw fail(.einval, .flagsNotAllowed(flags.intersection([.readOnlyProgram, .writeOnlyProgram])))
                }
            }
            let allowed: MapFlags = MapFlags.accessMask.union([.numaNode, .mmapable, .preserveElements, .innerMap])
            if maxEntries == 0 { throw fail(.einval, .maxEntriesZero) }
            if keySize != 4 { throw fail(.einval, .keySize(keySize, expected: "4")) }
            if valueSize == 0 { throw fail(.einval, .valueSize(0, expected: "at least 1")) }
            if !flags.isSubset(of: allowed) { throw fail(.einval, .flagsNotAllowed(flags.subtracting(allowed))) }
            if type.isPerCPU && flags.contains(.numaNode) { throw fail(.einval, .flagsNotAllowed(.numaNode)) }
            if type != .array && !flags.isDisjoint(with: [.mmapable, .innerMap]) {
                throw fail(.einval, .flagsNotAllowed(flags.intersection([.mmapable, .innerMap])))
            }
            if type != .perfEventArray && flags.contains(.preserveElements) {
                throw fail(.einval, .flagsNotAllowed(.preserveElements))
            }
            if valueSize > UInt32(Int32.max) {
                throw fail(.e2big, .valueSize(valueSize, expected: "at most 2147483647"))
            }
            if type.isPerCPU && roundUp8(valueSize) > perCPUValueLimit {
                throw fail(.e2big, .valueSize(valueSize, expected: "at most \(perCPUValueLimit) per CPU"))
            }

        case .hash, .percpuHash, .lruHash, .lruPercpuHash:
            let isLRU = type == .lruHash || type == .lruPercpuHash
            let allowed: MapFlags = MapFlags.accessMask.union([.noPrealloc, .noCommonLRU, .numaNode, .zeroSeed])
            if !flags.isSubset(of: allowed) { throw fail(.einval, .flagsNotAllowed(flags.subtracting(allowed))) }
            if !isLRU && flags.contains(.noCommonLRU) { throw fail(.einval, .flagsNotAllowed(.noCommonLRU)) }
            if isLRU && flags.contains(.noPrealloc) { throw fail(.enotsupp, .flagsNotAllowed(.noPrealloc)) }
            if flags.contains(.numaNode) && (type.isPerCPU || flags.contains(.noCommonLRU)) {
                throw fail(.einval, .flagsNotAllowed(.numaNode))
            }
            if maxEntries == 0 { throw fail(.einval, .maxEntriesZero) }
            if keySize == 0 { throw fail(.einval, .keySize(0, expected: "at least 1")) }
            if valueSize == 0 { throw fail(.einval, .valueSize(0, expected: "at least 1")) }
            // Key and value must fit one kmalloc() with the element header: KMALLOC_MAX_SIZE (4 MiB)
            // minus sizeof(struct htab_elem) (48 on x86-64), measured.
            if UInt64(keySize) + UInt64(valueSize) >= hashElementLimit {
                throw fail(.e2big, .elementTooLarge(keySize: keySize, valueSize: valueSize))
            }
            if type.isPerCPU && roundUp8(valueSize) > perCPUValueLimit {
                throw fail(.e2big, .valueSize(valueSize, expected: "at most \(perCPUValueLimit) per CPU"))
            }

        case .ringbuf:
            if !flags.isSubset(of: .numaNode) { throw fail(.einval, .flagsNotAllowed(flags.subtracting(.numaNode))) }
            if keySize != 0 { throw fail(.einval, .keySize(keySize, expected: "0")) }
            if valueSize != 0 { throw fail(.einval, .valueSize(valueSize, expected: "0")) }
            if maxEntries == 0 || maxEntries & (maxEntries - 1) != 0 || maxEntries % pageSize != 0 {
                throw fail(.einval, .ringbufSize(maxEntries))
            }

        default:
            throw fail(.einval, .unsupportedType(type))
        }

        // bpf_obj_name_cpy(): after allocation, so a bad name loses to every check above.
        if name.utf8.count >= 16 || !name.utf8.allSatisfy(isMapNameByte) { throw fail(.einval, .badName) }
    }
}

private let pageSize: UInt32 = 4096
/// `PCPU_MIN_UNIT_SIZE`: the largest per-CPU value.
private let perCPUValueLimit: UInt64 = 32 * 1024
/// `KMALLOC_MAX_SIZE - sizeof(struct htab_elem)` on x86-64.
private let hashElementLimit: UInt64 = (1 << 22) - 48

private func roundUp8(_ n: UInt32) -> UInt64 { (UInt64(n) + 7) & ~7 }

private func isMapNameByte(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
        || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
}
