public import BPFABI

/// `BPF_MAP_TYPE_ARRAY` and `BPF_MAP_TYPE_PERCPU_ARRAY`: `max_entries` values indexed by a `u32`
/// key, all present from the start and zeroed; global data (`.data`, `.rodata`, `.bss`) is a
/// one-element array whose value is the section.
///
/// ```
///   storage: | cpu 0: value 0 | value 1 | … | value n-1 | cpu 1: value 0 | … |   (one cpu block
///              <- valueStride ->                                                 unless per-CPU)
/// ```
/// Mirrors kernel/bpf/arraymap.c: lookups beyond `max_entries` find nothing, updates there are
/// `-E2BIG`, `BPF_NOEXIST` is always `-EEXIST` (every element exists), delete is `-EINVAL`.
public final class ArrayMap: BPFMap {
    /// True for `BPF_MAP_TYPE_PERCPU_ARRAY`.
    public let isPerCPU: Bool
    let storage: UnsafeMutableRawPointer
    /// Bytes of one CPU's copy of the whole array.
    let cpuBlockSize: Int
    let storageSize: Int

    /// Bytes an array of this definition needs, or nil on overflow.
    static func byteCount(_ definition: MapDefinition, cpuCount: Int) -> Int? {
        let block = MapMemory.product(Int(definition.maxEntries), MapMemory.roundUp8(Int(definition.valueSize)))
        return block.flatMap { MapMemory.product($0, definition.type == .percpuArray ? cpuCount : 1) }
    }

    init(name: String, definition: MapDefinition, cpuCount: Int, byteCount: Int) {
        isPerCPU = definition.type == .percpuArray
        storageSize = byteCount
        storage = MapMemory.allocate(byteCount: byteCount)
        cpuBlockSize = Int(definition.maxEntries) * MapMemory.roundUp8(Int(definition.valueSize))
        super.init(name: name, definition: definition, cpuCount: cpuCount)
    }

    deinit { storage.deallocate() }

    /// The value at `index` as worker `cpu` (0..<``BPFMap/cpuCount``) sees it, or nil beyond
    /// `max_entries`.
    @inline(__always)
    public func value(at index: UInt32, cpu: Int = 0) -> UnsafeMutableRawPointer? {
        guard Int(index) < maxEntries else { return nil }
        if isPerCPU { checkCPU(cpu) }
        let block = isPerCPU ? cpu &* cpuBlockSize : 0
        return storage + (block &+ Int(index) &* valueStride)
    }

    /// The address of byte `offset` of the single value, for direct value access (an `lddw` of
    /// a global variable): `array_map_direct_value_addr()` allows it only for one-element
    /// (non-per-CPU) arrays and offsets inside the value.
    public func directValueAddress(offset: Int) -> UnsafeMutableRawPointer? {
        guard !isPerCPU, maxEntries == 1, offset >= 0, offset < valueSize else { return nil }
        return storage + offset
    }

    public override func lookup(_ key: UnsafeRawPointer, cpu: Int) -> UnsafeMutableRawPointer? {
        value(at: key.loadUnaligned(as: UInt32.self), cpu: cpu)
    }

    /// `array_map_update_elem()`.
    public override func update(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int) -> Int {
        if flags & ~MapUpdateFlags.lock > MapUpdateFlags.exist { return MapErrno.einval.helperResult }
        let index = key.loadUnaligned(as: UInt32.self)
        guard let slot = self.value(at: index, cpu: cpu) else { return MapErrno.e2big.helperResult }
        if flags & MapUpdateFlags.noExist != 0 { return MapErrno.eexist.helperResult }
        // No value has a bpf_spin_lock.
        if flags & MapUpdateFlags.lock != 0 { return MapErrno.einval.helperResult }
        slot.copyMemory(from: value, byteCount: valueSize)
        return 0
    }

    /// `array_map_delete_elem()`: array elements cannot be deleted.
    public override func delete(_ key: UnsafeRawPointer, cpu: Int) -> Int { MapErrno.einval.helperResult }

    public override var valueMemory: UnsafeMutableRawBufferPointer? {
        UnsafeMutableRawBufferPointer(start: storage, count: storageSize)
    }

    public override var userValueSize: Int { isPerCPU ? valueStride * cpuCount : valueSize }

    override func userLookup(_ key: UnsafeRawPointer, into value: UnsafeMutableRawPointer) -> Int {
        let index = key.loadUnaligned(as: UInt32.self)
        guard Int(index) < maxEntries else { return MapErrno.enoent.helperResult }
        if !isPerCPU {
            value.copyMemory(from: storage + Int(index) * valueStride, byteCount: valueSize)
            return 0
        }
        // bpf_percpu_array_copy(): each CPU's rounded-up value, one after another.
        for cpu in 0..<cpuCount {
            (value + cpu * valueStride).copyMemory(
                from: storage + cpu * cpuBlockSize + Int(index) * valueStride, byteCount: valueStride)
        }
        return 0
    }

    override func userUpdate(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64) -> Int {
        guard isPerCPU else { return update(key, value, flags: flags, cpu: userCPU) }
        // bpf_percpu_array_update().
        if flags > MapUpdateFlags.exist { return MapErrno.einval.helperResult }
        let index = key.loadUnaligned(as: UInt32.self)
        guard Int(index) < maxEntries else { return MapErrno.e2big.helperResult }
        if flags == MapUpdateFlags.noExist { return MapErrno.eexist.helperResult }
        for cpu in 0..<cpuCount {
            (storage + cpu * cpuBlockSize + Int(index) * valueStride).copyMemory(
                from: value + cpu * valueStride, byteCount: valueStride)
        }
        return 0
    }

    override func userDelete(_ key: UnsafeRawPointer) -> Int { MapErrno.einval.helperResult }

    override func userNextKey(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer) -> Int {
        arrayNextKey(after: key, into: next, maxEntries: maxEntries)
    }
}

/// `array_map_get_next_key()`: index 0 after an absent or out-of-range key, then one by one.
func arrayNextKey(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer, maxEntries: Int) -> Int {
    let index = key.map { Int($0.loadUnaligned(as: UInt32.self)) } ?? Int(UInt32.max)
    if index >= maxEntries {
        next.storeBytes(of: 0, as: UInt32.self)
        return 0
    }
    if index == maxEntries - 1 { return MapErrno.enoent.helperResult }
    next.storeBytes(of: UInt32(index + 1), as: UInt32.self)
    return 0
}
