public import BPFABI
import Synchronization

/// `BPF_MAP_TYPE_HASH`, `PERCPU_HASH`, `LRU_HASH` and `LRU_PERCPU_HASH`: keys of `key_size` bytes
/// to values, in `max_entries` preallocated elements, as kernel/bpf/hashtab.c keeps them.
///
/// ```
///   buckets[hash & mask] -> element -> element -> -1      (chainNext; newest first)
///   element i:  hashes[i]  keys[i·keyStride]  values[cpu·cpuBlockSize + i·valueStride]
///   free elements: a stack of indices (hash, percpu hash) or the LRU lists (LRU maps)
/// ```
/// The bucket count is `max_entries` rounded up to a power of two and the hash is the kernel's
/// `jhash` with ``seed`` (0, as `BPF_F_ZERO_SEED` makes it), so elements sit in the kernel's buckets
/// in the kernel's order and `BPF_MAP_GET_NEXT_KEY` walks them identically. A full map refuses new
/// keys with `-E2BIG`; an LRU map instead evicts, by the kernel's own LRU algorithm
/// (see `HashMap+LRU.swift`). Element memory is never returned: a program's value pointer stays
/// valid, and a deleted element's memory is reused by a later insert, as in the kernel.
public final class HashMap: BPFMap {
    /// Which of the four hash map types.
    public enum Kind: Sendable, Hashable {
        /// `hash`, `percpu_hash`, `lru_hash`, `lru_percpu_hash`.
        case hash, perCPU, lru, lruPerCPU
    }

    /// Which type this map is.
    public let kind: Kind
    /// The `jhash` seed (`htab->hashrnd`): 0, the kernel's value under `BPF_F_ZERO_SEED`.
    public let seed: UInt32
    let isPerCPU: Bool
    let isLRU: Bool
    let bucketCount: Int
    let bucketMask: UInt32
    /// First element of each bucket, -1 when empty.
    let buckets: UnsafeMutablePointer<Int32>
    /// Next element in the same bucket, -1 at the end.
    let chainNext: UnsafeMutablePointer<Int32>
    let hashes: UnsafeMutablePointer<UInt32>
    let keys: UnsafeMutableRawPointer
    let keyStride: Int
    let values: UnsafeMutableRawPointer
    /// Bytes of one CPU's copy of every element's value.
    let cpuBlockSize: Int
    let valuesByteCount: Int
    /// Free element indices (non-LRU maps): `state.freeCount` of them.
    let freeStack: UnsafeMutablePointer<Int32>
    let state: UnsafeMutablePointer<HashState>
    let lru: LRUState
    /// Serialises the changes while several workers share the map (``HashState/isShared``);
    /// the kernel takes a bucket lock for the same reason. A `let`: no exclusivity check.
    let lock = Mutex<Void>(())
    /// Odd while a change is being made under `lock`: lock-free lookups check it did not move.
    let sequence = Atomic<UInt64>(0)

    /// Mutable counters, behind a pointer: a stored `var` of a class costs an exclusivity check per access.
    struct HashState {
        var count = 0
        var freeCount = 0
        /// Set once, before the workers start (``MapSet/share(amongWorkers:)``): only then are
        /// operations locked, so a single-threaded datapath pays nothing.
        var isShared = false
    }

    /// `max_entries` as the kernel keeps it: `BPF_F_NO_COMMON_LRU` rounds it to a multiple of the
    /// CPU count (down if rounding up overflows), so every CPU's list has the same number of elements.
    static func elementCount(_ definition: MapDefinition, cpuCount: Int) -> Int {
        let n = Int(definition.maxEntries)
        let isLRU = definition.type == .lruHash || definition.type == .lruPercpuHash
        guard isLRU, definition.flags.contains(.noCommonLRU) else { return n }
        let up = (n + cpuCount - 1) / cpuCount * cpuCount
        return up <= Int(UInt32.max) ? up : n / cpuCount * cpuCount
    }

    static func bucketCount(elements n: Int) -> Int {
        var b = 1
        while b < n { b <<= 1 }
        return b
    }

    /// Bytes a map of this definition needs, or nil on overflow.
    static func byteCount(_ definition: MapDefinition, cpuCount: Int) -> Int? {
        let n = elementCount(definition, cpuCount: cpuCount)
        guard n <= 1 << 31 else { return nil }
        let copies = definition.type == .percpuHash || definition.type == .lruPercpuHash ? cpuCount : 1
        let valueBytes = MapMemory.product(n, MapMemory.roundUp8(Int(definition.valueSize)))
        return MapMemory.sum(
            MapMemory.product(bucketCount(elements: n), 4),
            MapMemory.product(n, MapMemory.roundUp8(Int(definition.keySize)) + 4 + 4 + 4 + 4 + 8),
            valueBytes.flatMap { MapMemory.product($0, copies) },
            MapMemory.product(3 * cpuCount + 3, 8 + 32))
    }

    init(name: String, definition: MapDefinition, cpuCount: Int) {
        switch definition.type {
        case .percpuHash: kind = .perCPU
        case .lruHash: kind = .lru
        case .lruPercpuHash: kind = .lruPerCPU
        default: kind = .hash
        }
        isPerCPU = kind == .perCPU || kind == .lruPerCPU
        isLRU = kind == .lru || kind == .lruPerCPU
        seed = 0
        let n = Self.elementCount(definition, cpuCount: cpuCount)
        bucketCount = Self.bucketCount(elements: n)
        bucketMask = UInt32(truncatingIfNeeded: bucketCount - 1)
        buckets = MapMemory.allocate(Int32.self, count: bucketCount, repeating: -1)
        chainNext = MapMemory.allocate(Int32.self, count: n, repeating: -1)
        hashes = MapMemory.allocate(UInt32.self, count: n, repeating: 0)
        keyStride = MapMemory.roundUp8(Int(definition.keySize))
        keys = MapMemory.allocate(byteCount: n * keyStride)
        let stride = MapMemory.roundUp8(Int(definition.valueSize))
        cpuBlockSize = n * stride
        valuesByteCount = cpuBlockSize * (isPerCPU ? cpuCount : 1)
        values = MapMemory.allocate(byteCount: valuesByteCount)
        freeStack = MapMemory.allocate(Int32.self, count: isLRU ? 0 : n, repeating: 0)
        state = MapMemory.allocate(HashState.self, count: 1, repeating: HashState())
        if !isLRU {
            // Pop order is unobservable (elements are indistinguishable); pop 0, 1, 2… for readability.
            for i in 0..<n { freeStack[i] = Int32(n - 1 - i) }
            state.pointee.freeCount = n
        }
        lru = LRUState(elementCount: isLRU ? n : 0, cpuCount: cpuCount,
                       isPerCPU: definition.flags.contains(.noCommonLRU))
        super.init(name: name, definition: definition, maxEntries: n, cpuCount: cpuCount)
    }

    deinit {
        buckets.deallocate()
        chainNext.deallocate()
        hashes.deallocate()
        keys.deallocate()
        values.deallocate()
        freeStack.deallocate()
        state.deallocate()
        lru.deallocate()
    }

    /// Elements in the map.
    public var count: Int { state.pointee.count }

    // MARK: - Elements and buckets

    @inline(__always)
    func hashOf(_ key: UnsafeRawPointer) -> UInt32 { JenkinsHash.hash(key, count: keySize, seed: seed) }

    @inline(__always)
    func keyAddress(_ e: Int32) -> UnsafeMutableRawPointer { keys + Int(e) &* keyStride }

    @inline(__always)
    func valueAddress(_ e: Int32, cpu: Int) -> UnsafeMutableRawPointer {
        if isPerCPU { checkCPU(cpu) }
        return values + ((isPerCPU ? cpu &* cpuBlockSize : 0) &+ Int(e) &* valueStride)
    }

    @inline(__always)
    func keyEquals(_ e: Int32, _ key: UnsafeRawPointer) -> Bool {
        let stored = UnsafeRawPointer(keyAddress(e))
        var i = 0
        while i &+ 8 <= keySize {
            if stored.load(fromByteOffset: i, as: UInt64.self) != key.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i &+= 8
        }
        while i < keySize {
            if stored.load(fromByteOffset: i, as: UInt8.self) != key.load(fromByteOffset: i, as: UInt8.self) { return false }
            i &+= 1
        }
        return true
    }

    /// `lookup_elem_raw()`: the element holding `key`, or -1. The walk gives up after as many
    /// steps as the map has elements: no chain is longer, except for a moment one a writer is
    /// changing under a lock-free lookup (HashMap+Locking), which may then loop.
    @inline(__always)
    func find(_ key: UnsafeRawPointer, hash: UInt32) -> Int32 {
        var e = buckets[Int(hash & bucketMask)]
        var steps = maxEntries
        while e >= 0 && steps > 0 {
            if hashes[Int(e)] == hash && keyEquals(e, key) { return e }
            e = chainNext[Int(e)]
            steps &-= 1
        }
        return -1
    }

    /// `hlist_nulls_add_head_rcu()`: element `e` (its hash already set) becomes its bucket's first.
    @inline(__always)
    func link(_ e: Int32) {
        let b = Int(hashes[Int(e)] & bucketMask)
        chainNext[Int(e)] = buckets[b]
        buckets[b] = e
    }

    /// Takes `e` out of its bucket; false if it was not in it.
    @discardableResult
    func unlink(_ e: Int32) -> Bool {
        let b = Int(hashes[Int(e)] & bucketMask)
        var previous: Int32 = -1
        var current = buckets[b]
        while current >= 0 {
            if current == e {
                if previous < 0 { buckets[b] = chainNext[Int(e)] } else { chainNext[Int(previous)] = chainNext[Int(e)] }
                chainNext[Int(e)] = -1
                return true
            }
            previous = current
            current = chainNext[Int(current)]
        }
        return false
    }

    @inline(__always)
    func storeKey(_ e: Int32, _ key: UnsafeRawPointer) {
        keyAddress(e).copyMemory(from: key, byteCount: keySize)
    }

    /// `check_flags()`.
    @inline(__always)
    func checkFlags(exists: Bool, _ flags: UInt64) -> Int {
        let mode = flags & ~MapUpdateFlags.lock
        if exists && mode == MapUpdateFlags.noExist { return MapErrno.eexist.helperResult }
        if !exists && mode == MapUpdateFlags.exist { return MapErrno.enoent.helperResult }
        return 0
    }

    /// `pcpu_copy_value()`: one CPU's copy (`value_size` bytes), or every CPU's from a user buffer.
    @inline(__always)
    func copyPerCPU(_ e: Int32, _ value: UnsafeRawPointer, cpu: Int, allCPUs: Bool) {
        if !allCPUs {
            valueAddress(e, cpu: cpu).copyMemory(from: value, byteCount: valueSize)
            return
        }
        for c in 0..<cpuCount {
            valueAddress(e, cpu: c).copyMemory(from: value + c * valueStride, byteCount: valueStride)
        }
    }

    /// `pcpu_init_value()`: a new element from a program gets its value on `cpu` and zeros on every
    /// other CPU, so the program knows what the others start from.
    @inline(__always)
    func initPerCPU(_ e: Int32, _ value: UnsafeRawPointer, cpu: Int, allCPUs: Bool) {
        if allCPUs { return copyPerCPU(e, value, cpu: cpu, allCPUs: true) }
        for c in 0..<cpuCount {
            let slot = valueAddress(e, cpu: c)
            slot.initializeMemory(as: UInt8.self, repeating: 0, count: valueStride)
            if c == cpu { slot.copyMemory(from: value, byteCount: valueSize) }
        }
    }

    // MARK: - Updates, one per kernel function

    /// `htab_map_update_elem()`.
    func updateHash(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64) -> Int {
        if flags & ~MapUpdateFlags.lock > MapUpdateFlags.exist { return MapErrno.einval.helperResult }
        if flags & MapUpdateFlags.lock != 0 { return MapErrno.einval.helperResult }  // no bpf_spin_lock
        let hash = hashOf(key)
        let old = find(key, hash: hash)
        let check = checkFlags(exists: old >= 0, flags)
        if check != 0 { return check }
        if old >= 0 {
            // The kernel links a fresh element at the bucket's head and unlinks the old one. Keeping
            // the element keeps a program's pointer to it meaningful; moving it to the head keeps
            // the kernel's iteration order.
            valueAddress(old, cpu: 0).copyMemory(from: value, byteCount: valueSize)
            unlink(old)
            link(old)
            return 0
        }
        guard state.pointee.freeCount > 0 else { return MapErrno.e2big.helperResult }
        state.pointee.freeCount -= 1
        let e = freeStack[state.pointee.freeCount]
        storeKey(e, key)
        hashes[Int(e)] = hash
        valueAddress(e, cpu: 0).copyMemory(from: value, byteCount: valueSize)
        link(e)
        state.pointee.count += 1
        return 0
    }

    /// `htab_map_update_elem_in_place()` for per-CPU hash maps: an existing element is updated in
    /// place (and keeps its place in the bucket).
    func updatePerCPU(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int, allCPUs: Bool) -> Int {
        if flags > MapUpdateFlags.exist { return MapErrno.einval.helperResult }
        let hash = hashOf(key)
        let old = find(key, hash: hash)
        let check = checkFlags(exists: old >= 0, flags)
        if check != 0 { return check }
        if old >= 0 {
            copyPerCPU(old, value, cpu: cpu, allCPUs: allCPUs)
            return 0
        }
        guard state.pointee.freeCount > 0 else { return MapErrno.e2big.helperResult }
        state.pointee.freeCount -= 1
        let e = freeStack[state.pointee.freeCount]
        storeKey(e, key)
        hashes[Int(e)] = hash
        initPerCPU(e, value, cpu: cpu, allCPUs: allCPUs)
        link(e)
        state.pointee.count += 1
        return 0
    }

    /// `htab_lru_map_update_elem()`: takes a free element first (which may evict others, even when
    /// the update then fails or replaces an existing key), then links it in place of any old one.
    func updateLRU(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int) -> Int {
        if flags > MapUpdateFlags.exist { return MapErrno.einval.helperResult }
        let hash = hashOf(key)
        let e = lruPopFree(hash: hash, cpu: cpu)
        guard e >= 0 else { return MapErrno.enomem.helperResult }
        storeKey(e, key)
        valueAddress(e, cpu: 0).copyMemory(from: value, byteCount: valueSize)
        let old = find(key, hash: hash)
        let check = checkFlags(exists: old >= 0, flags)
        if check != 0 {
            lruPushFree(e)
            return check
        }
        link(e)
        if old >= 0 {
            lru.nodes[Int(e)].ref = 1
            unlink(old)
            lruPushFree(old)
        } else {
            state.pointee.count += 1
        }
        return 0
    }

    /// `__htab_lru_percpu_map_update_elem()`: an existing element is updated in place and marked
    /// used; a free element is taken first unless the flags are `BPF_EXIST`.
    func updateLRUPerCPU(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int,
                         allCPUs: Bool) -> Int {
        if flags > MapUpdateFlags.exist { return MapErrno.einval.helperResult }
        let hash = hashOf(key)
        var e: Int32 = -1
        if flags != MapUpdateFlags.exist {
            e = lruPopFree(hash: hash, cpu: cpu)
            guard e >= 0 else { return MapErrno.enomem.helperResult }
            storeKey(e, key)
        }
        let old = find(key, hash: hash)
        let check = checkFlags(exists: old >= 0, flags)
        if check != 0 {
            if e >= 0 { lruPushFree(e) }
            return check
        }
        if old >= 0 {
            lru.nodes[Int(old)].ref = 1
            copyPerCPU(old, value, cpu: cpu, allCPUs: allCPUs)
            if e >= 0 { lruPushFree(e) }
        } else {
            initPerCPU(e, value, cpu: cpu, allCPUs: allCPUs)
            link(e)
            state.pointee.count += 1
        }
        return 0
    }

    // MARK: - Helper path

    /// `htab_map_lookup_elem()` and kin; LRU maps set the element's reference bit, as
    /// `htab_lru_map_lookup_elem()` does for programs.
    public override func lookup(_ key: UnsafeRawPointer, cpu: Int) -> UnsafeMutableRawPointer? {
        // Shared: no lock (see HashMap+Locking). The pointer outlives the lookup, as it outlives
        // the kernel's RCU section: elements are preallocated and never freed, so it stays valid;
        // its bytes race like the kernel's.
        guard state.pointee.isShared else { return lookupUnlocked(key, cpu: cpu) }
        return sharedLookup(key, cpu: cpu)
    }

    func lookupUnlocked(_ key: UnsafeRawPointer, cpu: Int) -> UnsafeMutableRawPointer? {
        let e = find(key, hash: hashOf(key))
        guard e >= 0 else { return nil }
        if isLRU { lru.nodes[Int(e)].ref = 1 }
        return valueAddress(e, cpu: cpu)
    }

    public override func update(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int) -> Int {
        locked { updateUnlocked(key, value, flags: flags, cpu: cpu) }
    }

    /// `allCPUs`: a per-CPU value holds every CPU's copy (user space), else the one of `cpu`.
    func updateUnlocked(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64, cpu: Int, allCPUs: Bool = false) -> Int {
        switch kind {
        case .hash: updateHash(key, value, flags: flags)
        case .perCPU: updatePerCPU(key, value, flags: flags, cpu: cpu, allCPUs: allCPUs)
        case .lru: updateLRU(key, value, flags: flags, cpu: cpu)
        case .lruPerCPU: updateLRUPerCPU(key, value, flags: flags, cpu: cpu, allCPUs: allCPUs)
        }
    }

    /// `htab_map_delete_elem()` / `htab_lru_map_delete_elem()`.
    public override func delete(_ key: UnsafeRawPointer, cpu: Int) -> Int {
        locked { deleteUnlocked(key, cpu: cpu) }
    }

    func deleteUnlocked(_ key: UnsafeRawPointer, cpu: Int) -> Int {
        let e = find(key, hash: hashOf(key))
        guard e >= 0 else { return MapErrno.enoent.helperResult }
        unlink(e)
        state.pointee.count -= 1
        if isLRU {
            lruPushFree(e)
        } else {
            freeStack[state.pointee.freeCount] = e
            state.pointee.freeCount += 1
        }
        return 0
    }

    public override var valueMemory: UnsafeMutableRawBufferPointer? {
        UnsafeMutableRawBufferPointer(start: values, count: valuesByteCount)
    }

    // MARK: - Syscall side

    public override var userValueSize: Int { isPerCPU ? valueStride * cpuCount : valueSize }

    /// `bpf_map_copy_value()`: LRU elements are not marked used (user-space walks must not disturb
    /// eviction); per-CPU maps copy every CPU's value.
    override func userLookup(_ key: UnsafeRawPointer, into value: UnsafeMutableRawPointer) -> Int {
        locked { userLookupUnlocked(key, into: value) }
    }

    func userLookupUnlocked(_ key: UnsafeRawPointer, into value: UnsafeMutableRawPointer) -> Int {
        let e = find(key, hash: hashOf(key))
        guard e >= 0 else { return MapErrno.enoent.helperResult }
        if !isPerCPU {
            value.copyMemory(from: valueAddress(e, cpu: 0), byteCount: valueSize)
            return 0
        }
        for c in 0..<cpuCount {
            (value + c * valueStride).copyMemory(from: valueAddress(e, cpu: c), byteCount: valueStride)
        }
        return 0
    }

    override func userUpdate(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64) -> Int {
        let cpu = userCPU
        return locked { updateUnlocked(key, value, flags: flags, cpu: cpu, allCPUs: true) }
    }

    override func userDelete(_ key: UnsafeRawPointer) -> Int { delete(key, cpu: userCPU) }

    /// `htab_map_get_next_key()`: the next element in the key's bucket, else the first element of
    /// the next non-empty bucket; from the start when the key is absent.
    override func userNextKey(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer) -> Int {
        locked { userNextKeyUnlocked(after: key, into: next) }
    }

    func userNextKeyUnlocked(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer) -> Int {
        var bucket = 0
        if let key {
            let hash = hashOf(key)
            let e = find(key, hash: hash)
            if e >= 0 {
                let following = chainNext[Int(e)]
                if following >= 0 {
                    next.copyMemory(from: keyAddress(following), byteCount: keySize)
                    return 0
                }
                bucket = Int(hash & bucketMask) + 1
            }
        }
        while bucket < bucketCount {
            let first = buckets[bucket]
            if first >= 0 {
                next.copyMemory(from: keyAddress(first), byteCount: keySize)
                return 0
            }
            bucket += 1
        }
        return MapErrno.enoent.helperResult
    }
}
