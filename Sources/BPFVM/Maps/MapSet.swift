import BPFABI

/// The maps of a loaded object, by index in the loader's order (the order `lddw` map references
/// number them), created from their definitions and shared by every program of the object.
///
/// A program refers to a map by a *handle*: a 64-bit constant ``handle(ofMapAt:)`` that the
/// translator puts where the kernel would put a `struct bpf_map *`, and helpers turn back into
/// the map with ``map(handle:)`` — O(1), no reference counting, nil for a value that is no handle
/// (in checked mode a program may pass anything). Handles are non-canonical addresses, so a load
/// through one faults rather than reading memory.
///
/// User space pre-fills maps with ``apply(setting:)`` (`--map-set NAME:KEYHEX:VALUEHEX`) and dumps
/// them with ``dump()`` / ``dumpJSON()`` in the kernel oracle's format.
public final class MapSet {
    /// Maps a set holds at most (the kernel's `MAX_USED_MAPS`).
    public static let capacity = 64
    /// The largest map the set creates by default: 1 GiB of storage.
    public static let defaultByteLimit = 1 << 30
    /// The first handle; map `i`'s handle is `handleBase + i`.
    public static let handleBase: UInt64 = 0xffff_b9f0_0000_0000

    /// CPUs ("workers"): per-CPU maps keep one value per CPU, LRU maps one local list per CPU.
    /// Use the machine's possible CPUs to compare dumps with the kernel's.
    public let cpuCount: Int
    /// Storage a single map may take; a larger one fails to create with `ENOMEM`.
    public let byteLimit: Int
    /// Bytes of each open perf event array slot.
    public let perfBufferByteCount: Int
    /// The maps, in the order they were added.
    public private(set) var maps: [BPFMap] = []
    /// The ring buffers among them, in order.
    public private(set) var ringBuffers: [RingBufferMap] = []

    /// Maps by handle index, unretained (``maps`` owns them), and how many there are.
    let table: UnsafeMutablePointer<Unmanaged<BPFMap>>
    let tableCount: UnsafeMutablePointer<Int>
    /// Ring buffers, for finding the one a record pointer belongs to.
    let ringTable: UnsafeMutablePointer<Unmanaged<RingBufferMap>>
    let ringCount: UnsafeMutablePointer<Int>

    /// An empty set for `cpuCount` CPUs (at least 1).
    public init(cpuCount: Int = 1, byteLimit: Int = MapSet.defaultByteLimit,
                perfBufferByteCount: Int = PerfEventArrayMap.defaultBufferByteCount) {
        self.cpuCount = max(cpuCount, 1)
        self.byteLimit = byteLimit
        self.perfBufferByteCount = perfBufferByteCount
        table = .allocate(capacity: Self.capacity)
        tableCount = MapMemory.allocate(Int.self, count: 1, repeating: 0)
        ringTable = .allocate(capacity: Self.capacity)
        ringCount = MapMemory.allocate(Int.self, count: 1, repeating: 0)
    }

    /// A set holding a map for each specification, in order.
    public convenience init(_ specifications: [MapSpecification], cpuCount: Int = 1,
                            byteLimit: Int = MapSet.defaultByteLimit) throws(MapError) {
        self.init(cpuCount: cpuCount, byteLimit: byteLimit)
        for specification in specifications { try add(specification) }
    }

    deinit {
        table.deallocate()
        tableCount.deallocate()
        ringTable.deallocate()
        ringCount.deallocate()
    }

    /// How many maps the set holds.
    public var count: Int { tableCount.pointee }

    /// The map at `index` (0..<``count``).
    public subscript(index: Int) -> BPFMap { maps[index] }

    /// The first map called `name` (the object's spelling: `flows`, `.bss`).
    public func map(named name: String) -> BPFMap? { maps.first { $0.name == name } }

    /// The handle of map `index`, for the translator to load where the program loads a map.
    @inline(__always)
    public static func handle(ofMapAt index: Int) -> UInt64 { handleBase + UInt64(index) }

    /// The map a handle stands for, or nil if `handle` is none of this set's.
    @inline(__always)
    public func map(handle: UInt64) -> BPFMap? {
        let index = handle &- Self.handleBase
        guard index < UInt64(tableCount.pointee) else { return nil }
        return table[Int(index)].takeUnretainedValue()
    }

    /// `body` applied to the map a handle stands for, or nil if `handle` is none of this set's.
    /// Unlike ``map(handle:)`` it touches no reference count (the set keeps the map alive).
    @inline(__always)
    public func withMap<R>(handle: UInt64, _ body: (BPFMap) -> R) -> R? {
        let index = handle &- Self.handleBase
        guard index < UInt64(tableCount.pointee) else { return nil }
        return table[Int(index)]._withUnsafeGuaranteedRef(body)
    }

    /// The ring buffer whose record starts at `address` (a pointer `bpf_ringbuf_reserve` returned),
    /// for `bpf_ringbuf_submit`/`discard`, which get only the record.
    public func ringBuffer(containing address: UInt64) -> RingBufferMap? {
        for i in 0..<ringCount.pointee {
            let ring = ringTable[i].takeUnretainedValue()
            if ring.contains(sample: address) { return ring }
        }
        return nil
    }

    /// Creates the map `specification` describes and appends it; returns its index.
    ///
    /// As `BPF_MAP_CREATE` and libbpf would: the definition is validated (the kernel's errno on
    /// refusal), a perf event array without `max_entries` gets one slot per CPU, global data is
    /// written into the value and `.rodata` frozen.
    @discardableResult
    public func add(_ specification: MapSpecification) throws(MapError) -> Int {
        let name = specification.name
        guard count < Self.capacity else { throw .tooManyMaps(name, capacity: Self.capacity) }
        var definition = specification.definition
        if definition.type == .perfEventArray {
            if definition.maxEntries == 0 { definition.maxEntries = UInt32(cpuCount) }
            if definition.keySize == 0 { definition.keySize = 4 }
            if definition.valueSize == 0 { definition.valueSize = 4 }
        }
        do { try definition.validate() } catch { throw .definition(name, error) }

        let map: BPFMap
        func check(_ bytes: Int?) throws(MapError) {
            guard let bytes, bytes <= byteLimit else { throw .tooLarge(name, limit: byteLimit) }
        }
        switch definition.type {
        case .array, .percpuArray:
            let bytes = ArrayMap.byteCount(definition, cpuCount: cpuCount)
            try check(bytes)
            map = ArrayMap(name: name, definition: definition, cpuCount: cpuCount, byteCount: bytes ?? 0)
        case .hash, .percpuHash, .lruHash, .lruPercpuHash:
            try check(HashMap.byteCount(definition, cpuCount: cpuCount))
            map = HashMap(name: name, definition: definition, cpuCount: cpuCount)
        case .progArray:
            try check(MapMemory.product(Int(definition.maxEntries), 4))
            map = ProgramArrayMap(name: name, definition: definition, cpuCount: cpuCount)
        case .perfEventArray:
            try check(MapMemory.product(Int(definition.maxEntries), 48))
            map = PerfEventArrayMap(name: name, definition: definition, cpuCount: cpuCount,
                                    bufferByteCount: perfBufferByteCount)
        case .ringbuf:
            try check(MapMemory.product(Int(definition.maxEntries), 2))
            let ring = RingBufferMap(name: name, definition: definition, cpuCount: cpuCount)
            ringTable[ringCount.pointee] = Unmanaged.passUnretained(ring)
            ringCount.pointee += 1
            ringBuffers.append(ring)
            map = ring
        default:
            throw .definition(name, MapDefinitionError(mapName: definition.name, errno: .einval,
                                                       reason: .unsupportedType(definition.type)))
        }

        if let data = specification.initialData {
            guard let array = map as? ArrayMap, !array.isPerCPU, data.count <= array.valueSize,
                  let value = array.value(at: 0)
            else { throw .initialData(name, count: data.count, valueSize: map.valueSize) }
            data.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { value.copyMemory(from: base, byteCount: bytes.count) }
            }
        }
        if specification.isReadOnly { map.freeze() }

        let index = count
        maps.append(map)
        table[index] = Unmanaged.passUnretained(map)
        tableCount.pointee = index + 1
        return index
    }

    /// Applies one `--map-set NAME:KEYHEX:VALUEHEX`: an update with `BPF_ANY`, as
    /// `kernel_oracle.py run --map-set` does before the run.
    ///
    /// Key and value must be exactly `key_size` and `value_size` bytes. For per-CPU maps the value
    /// may also be every CPU's copy (``BPFMap/userValueSize`` bytes); a single value is written to
    /// every CPU. (The oracle passes only `value_size` bytes even for per-CPU maps, so the kernel
    /// reads the other CPUs' values from beyond its buffer: pre-filled per-CPU maps cannot be
    /// compared on CPUs other than the first.)
    public func apply(setting text: String) throws(MapError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .badSetting(text, "expected two ':'") }
        guard let key = HexBytes.decode(parts[1]) else { throw .badSetting(text, "key is not hex") }
        guard let value = HexBytes.decode(parts[2]) else { throw .badSetting(text, "value is not hex") }
        let name = String(parts[0])
        guard let map = map(named: name) else { throw .noSuchMap(name, available: maps.map(\.name)) }
        var userValue = value
        if map.type.isPerCPU && value.count == map.valueSize {
            userValue = []
            for _ in 0..<cpuCount {
                userValue += value
                userValue += [UInt8](repeating: 0, count: map.valueStride - map.valueSize)
            }
        }
        guard key.count == map.keySize, userValue.count == map.userValueSize else {
            throw MapError(mapName: name, errno: .einval,
                           message: "--map-set: key must be \(map.keySize) bytes, value \(map.valueSize) bytes")
        }
        try map.update(key: key, value: userValue, flags: MapUpdateFlags.any)
    }

    /// Every map's contents, in order.
    public func dump() -> [MapDump] { maps.map { MapDump($0) } }

    /// `{"name": {...}, ...}`: the `"maps"` object of `kernel_oracle.py run --dump-maps`, in its
    /// spelling (see ``MapDump``).
    public func dumpJSON() -> String {
        "{" + dump().map { MapDump.quoted($0.name) + ": " + $0.json }.joined(separator: ", ") + "}"
    }
}
