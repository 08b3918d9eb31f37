public import BPFABI

// Every map type is a final subclass of BPFMap. Programs reach a map through three methods, the
// kernel's `map_lookup_elem`/`map_update_elem`/`map_delete_elem` ops, which take raw key and value
// pointers and return a value pointer or 0/-errno; they never allocate. User space (the CLI, the
// tests, `--map-set`, dumps) goes through the byte-array API below, which adds what
// kernel/bpf/syscall.c adds on top of the ops: size checks, frozen maps, per-CPU value layout,
// and `BPF_MAP_GET_NEXT_KEY` iteration.
//
//   program (helper path)                      user space (syscall path)
//   lookup(key, cpu:) -> value pointer         lookup(key:) -> bytes (per-CPU: every CPU's copy)
//   update(key, value, flags:, cpu:) -> 0/-e   update(key:value:flags:) throws(MapError)
//   delete(key, cpu:) -> 0/-e                  delete(key:), nextKey(after:), entries()
//
// Maps are not thread-safe by default: one operation at a time. A set shared by several datapath
// workers (`MapSet.share(amongWorkers:)`) makes its hash and LRU maps lock their changes and
// validate their lookups (HashMap+Locking.swift), and its ring buffers lock reservations; array
// values race as in the kernel.

/// A BPF map: its definition, the helper-path operations programs call, and the user-space API.
///
/// Values live in storage allocated when the map is created and freed only with the map, so a
/// pointer ``lookup(_:cpu:)`` returns stays valid (and 8-byte aligned) for the map's whole life,
/// whatever is later updated or deleted — as with the kernel's preallocated maps, where a deleted
/// element's memory is reused by a later insert.
public class BPFMap {
    /// The map's name as the object spells it (`flows`, `.rodata`).
    public let name: String
    /// The definition it was created from, after defaults were applied.
    public let definition: MapDefinition
    /// `map_type`.
    public let type: MapType
    /// `key_size` in bytes.
    public let keySize: Int
    /// `value_size` in bytes.
    public let valueSize: Int
    /// `max_entries`, as the kernel keeps it (an LRU map with `BPF_F_NO_COMMON_LRU` rounds it to a
    /// multiple of the CPU count).
    public let maxEntries: Int
    /// Bytes from one value to the next: `value_size` rounded up to 8, as the kernel lays values out.
    public let valueStride: Int
    /// CPUs ("workers"): per-CPU maps keep this many copies of each value.
    public let cpuCount: Int
    /// True once ``freeze()`` was called (`BPF_MAP_FREEZE`): user space may no longer write the map.
    public private(set) var isFrozen = false
    /// The CPU user-space operations run on. It matters only to LRU maps, whose free lists are per
    /// CPU (run the kernel oracle pinned to the same CPU to compare evictions).
    public var userCPU = 0

    init(name: String, definition: MapDefinition, maxEntries: Int? = nil, cpuCount: Int) {
        self.name = name
        self.definition = definition
        self.type = definition.type
        self.keySize = Int(definition.keySize)
        self.valueSize = Int(definition.valueSize)
        self.maxEntries = maxEntries ?? Int(definition.maxEntries)
        self.valueStride = MapMemory.roundUp8(Int(definition.valueSize))
        self.cpuCount = cpuCount
    }

    /// Traps unless `cpu` is one of the map's CPUs: a worker index beyond the set's CPU count is
    /// a bug of the caller, and would address memory outside the map.
    @inline(__always)
    final func checkCPU(_ cpu: Int) {
        precondition(UInt(bitPattern: cpu) < UInt(bitPattern: cpuCount), "worker index out of range of the map set's CPUs")
    }

    // MARK: - Helper path

    /// `bpf_map_lookup_elem(map, key)`: the value of `key` (`keySize` bytes) as worker `cpu`
    /// (0..<``cpuCount``) sees it, or nil. Per-CPU maps return `cpu`'s copy; LRU maps mark the element used.
    /// - Complexity: O(1) for arrays; expected O(1) for hash maps.
    public func lookup(_ key: UnsafeRawPointer, cpu: Int) -> UnsafeMutableRawPointer? { nil }

    /// `bpf_map_update_elem(map, key, value, flags)` from worker `cpu`: 0 or a negative errno
    /// (`-EEXIST`, `-ENOENT`, `-E2BIG`, `-EINVAL`, `-ENOMEM`), the map type's kernel result.
    /// Per-CPU maps write `cpu`'s copy only.
    public func update(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int) -> Int {
        MapErrno.eopnotsupp.helperResult
    }

    /// `bpf_map_delete_elem(map, key)` from worker `cpu`: 0 or a negative errno (`-ENOENT`;
    /// arrays `-EINVAL`).
    public func delete(_ key: UnsafeRawPointer, cpu: Int) -> Int { MapErrno.eopnotsupp.helperResult }

    /// The memory program-visible values live in, for checked mode's regions; nil when programs
    /// get no pointers into the map.
    public var valueMemory: UnsafeMutableRawBufferPointer? { nil }

    /// False when the program may only read the map (`BPF_F_RDONLY_PROG`, `.rodata`).
    public var isProgramWritable: Bool { !definition.flags.contains(.readOnlyProgram) }

    // MARK: - Syscall-side operations each map type provides (kernel map ops, onallcpus = true)

    /// Bytes of a value as user space reads and writes it (`bpf_map_value_size()`): every CPU's
    /// copy for per-CPU maps (`valueStride` each), 4 for program and perf event arrays.
    public var userValueSize: Int { valueSize }

    /// False for maps whose elements the kernel cannot list (ring buffers, perf event arrays).
    public var isListable: Bool { true }

    func userLookup(_ key: UnsafeRawPointer, into value: UnsafeMutableRawPointer) -> Int {
        MapErrno.enotsupp.helperResult
    }

    func userUpdate(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64) -> Int {
        MapErrno.enotsupp.helperResult
    }

    func userDelete(_ key: UnsafeRawPointer) -> Int { MapErrno.enotsupp.helperResult }

    func userNextKey(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer) -> Int {
        MapErrno.enotsupp.helperResult
    }

    // MARK: - User-space API (kernel/bpf/syscall.c)

    /// `BPF_MAP_LOOKUP_ELEM`: the value of `key`, or nil if there is none. Per-CPU maps return
    /// every CPU's copy, `valueStride` bytes apart (``perCPUValues(_:)`` splits them); program
    /// arrays the program id. LRU maps are not marked used.
    public func lookup(key: [UInt8]) throws(MapError) -> [UInt8]? {
        guard key.count == keySize else { throw .keySize(name, "lookup", got: key.count, expected: keySize) }
        var value = [UInt8](repeating: 0, count: userValueSize)
        let result = key.withUnsafeBytes { k in
            value.withUnsafeMutableBytes { v in userLookup(k.baseAddress ?? zeroKey, into: v.baseAddress ?? scratch) }
        }
        if result == MapErrno.enoent.helperResult { return nil }
        if let errno = MapErrno(helperResult: result) { throw .failed(name, "lookup", errno) }
        return value
    }

    /// `BPF_MAP_UPDATE_ELEM`: creates or replaces `key`'s value under `flags` (``MapUpdateFlags``).
    /// `value` is ``userValueSize`` bytes: every CPU's copy for per-CPU maps.
    public func update(key: [UInt8], value: [UInt8], flags: UInt64 = MapUpdateFlags.any) throws(MapError) {
        guard key.count == keySize else { throw .keySize(name, "update", got: key.count, expected: keySize) }
        guard value.count == userValueSize else {
            throw .valueSize(name, "update", got: value.count, expected: "\(userValueSize)")
        }
        if isFrozen { throw .failed(name, "update", .eperm) }
        // No map value here has a bpf_spin_lock, so BPF_F_LOCK is refused before the map sees it.
        if flags & MapUpdateFlags.lock != 0 { throw .failed(name, "update", .einval) }
        let result = key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in userUpdate(k.baseAddress ?? zeroKey, v.baseAddress ?? zeroKey, flags: flags) }
        }
        if let errno = MapErrno(helperResult: result) { throw .failed(name, "update", errno) }
    }

    /// `BPF_MAP_DELETE_ELEM`: removes `key`; throws `ENOENT` if it is absent (`EINVAL` for arrays).
    public func delete(key: [UInt8]) throws(MapError) {
        guard key.count == keySize else { throw .keySize(name, "delete", got: key.count, expected: keySize) }
        if isFrozen { throw .failed(name, "delete", .eperm) }
        let result = key.withUnsafeBytes { k in userDelete(k.baseAddress ?? zeroKey) }
        if let errno = MapErrno(helperResult: result) { throw .failed(name, "delete", errno) }
    }

    /// `BPF_MAP_GET_NEXT_KEY`: the key after `key` in the kernel's iteration order (the first
    /// key when `key` is nil or absent), or nil at the end.
    ///
    /// Arrays go by index; hash maps by bucket, then newest first within a bucket, exactly as
    /// `htab_map_get_next_key()` walks them with the same hash seed.
    public func nextKey(after key: [UInt8]?) throws(MapError) -> [UInt8]? {
        if let key, key.count != keySize { throw .keySize(name, "next key", got: key.count, expected: keySize) }
        var next = [UInt8](repeating: 0, count: keySize)
        let result: Int = next.withUnsafeMutableBytes { n in
            let into = n.baseAddress ?? scratch
            guard let key else { return userNextKey(after: nil, into: into) }
            return key.withUnsafeBytes { k in userNextKey(after: k.baseAddress ?? zeroKey, into: into) }
        }
        if result == MapErrno.enoent.helperResult { return nil }
        if let errno = MapErrno(helperResult: result) { throw .failed(name, "next key", errno) }
        return next
    }

    /// Every element in ``nextKey(after:)`` order, as `bpftool map dump` lists them: arrays every
    /// index, hash maps every element. A value is nil where the lookup finds nothing (an empty
    /// program array slot). Empty for maps that cannot be listed.
    /// - Parameter limit: stop after this many elements (the kernel oracle stops at 100000).
    public func entries(limit: Int = Int.max) -> [(key: [UInt8], value: [UInt8]?)] {
        guard isListable else { return [] }
        var result: [(key: [UInt8], value: [UInt8]?)] = []
        var key: [UInt8]? = nil
        while result.count < limit, let next = try? nextKey(after: key) {
            result.append((next, (try? lookup(key: next)) ?? nil))
            key = next
        }
        return result
    }

    /// A per-CPU value as ``lookup(key:)`` returns it, split into each CPU's `valueSize` bytes.
    public func perCPUValues(_ value: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: value.count, by: max(valueStride, 1)).map {
            Array(value[$0..<min($0 + valueSize, value.count)])
        }
    }

    /// `BPF_MAP_FREEZE`: user space may no longer update or delete (programs still may, unless
    /// the map is ``isProgramWritable`` false). libbpf freezes `.rodata` after filling it.
    public func freeze() { isFrozen = true }
}

/// Stand-ins for the base address of an empty array (a zero-size key or value): never read.
nonisolated(unsafe) private let zeroKey = UnsafeRawPointer(MapMemory.allocate(byteCount: 8))
nonisolated(unsafe) private let scratch = MapMemory.allocate(byteCount: 8)
