public import BPFABI

/// A map an object declares: a BTF-defined map of `.maps`, a legacy `struct bpf_map_def` of
/// `maps`, or a global data section (`.data*`, `.rodata*`, `.bss*`) as a one-element array.
///
/// Programs refer to maps by their position in ``LoadedObject/maps``: an `lddw` with
/// src `BPF_PSEUDO_MAP_IDX` (5) has that position as its immediate, one with src
/// `BPF_PSEUDO_MAP_IDX_VALUE` (6) has it in the low 32 bits and the byte offset into the
/// value in the high 32 bits (libbpf's direct value access to global variables).
public struct ObjectMap: Hashable, Sendable {
    /// Where a map's definition comes from.
    public enum Origin: Hashable, Sendable {
        /// A `struct bpf_map_def` in the legacy `maps` section.
        case legacy
        /// A BTF-described variable of the `.maps` section (`__uint`/`__type` members).
        case btf
        /// A global data section: key 4 bytes, one value of the section's size.
        case globalData
    }

    /// The map's name as the object spells it: the variable name, or the section name for
    /// global data (`.rodata`, `.data.counters`), as `kernel_oracle.py` names them. It may be
    /// longer than the kernel's 15 bytes; ``definition``'s name is the truncated form.
    public var name: String
    /// Type, sizes, entries and flags, as `BPF_MAP_CREATE` receives them (validated).
    public var definition: MapDefinition
    /// Which kind of declaration made the map.
    public var origin: Origin
    /// The ELF section of the definition or of the data.
    public var sectionIndex: Int
    /// That section's name.
    public var sectionName: String
    /// Byte offset of the definition in its section (0 for global data).
    public var sectionOffset: Int
    /// The value's initial bytes (global data from `.data*`/`.rodata*`); nil when the map starts
    /// zeroed (`.bss*` and every declared map).
    public var initialData: [UInt8]?
    /// True for `.rodata*`: libbpf freezes the map after filling it (and sets
    /// `BPF_F_RDONLY_PROG` in ``definition``'s flags), so neither side may write it.
    public var isReadOnly: Bool
    /// BTF type id of the key (`__type(key, …)`), when the BTF describes it.
    public var keyTypeID: Int?
    /// BTF type id of the value (`__type(value, …)`, or the DATASEC of a global data section).
    public var valueTypeID: Int?
    /// `__uint(pinning, …)`: 0 none, 1 `LIBBPF_PIN_BY_NAME`.
    public var pinning: UInt32
    /// `__uint(numa_node, …)`.
    public var numaNode: UInt32
    /// `__uint(map_extra, …)` (bloom filter hashes, arena address).
    public var mapExtra: UInt64
    /// A prog array's initial slots from `__array(values, …)` initialisers: slot to the name
    /// of the program (a function of this object) it holds.
    public var initialProgramSlots: [Int: String]

    /// A map; ``LoadedObject/load(bytes:cpuCount:)`` makes these.
    public init(
        name: String, definition: MapDefinition, origin: Origin, sectionIndex: Int, sectionName: String,
        sectionOffset: Int = 0, initialData: [UInt8]? = nil, isReadOnly: Bool = false, keyTypeID: Int? = nil,
        valueTypeID: Int? = nil, pinning: UInt32 = 0, numaNode: UInt32 = 0, mapExtra: UInt64 = 0,
        initialProgramSlots: [Int: String] = [:]
    ) {
        self.name = name
        self.definition = definition
        self.origin = origin
        self.sectionIndex = sectionIndex
        self.sectionName = sectionName
        self.sectionOffset = sectionOffset
        self.initialData = initialData
        self.isReadOnly = isReadOnly
        self.keyTypeID = keyTypeID
        self.valueTypeID = valueTypeID
        self.pinning = pinning
        self.numaNode = numaNode
        self.mapExtra = mapExtra
        self.initialProgramSlots = initialProgramSlots
    }

    /// The name the kernel stores (`map_name`): bytes outside `[A-Za-z0-9_.]` become `_`, and
    /// only the first 15 are kept, as `kernel_oracle.py`'s `map_create()` passes it.
    public static func kernelName(_ name: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in name.unicodeScalars.prefix(15) {
            let isAllowed =
                ("0"..."9").contains(scalar) || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
                || scalar == "_" || scalar == "."
            kept.append(isAllowed ? scalar : "_")
        }
        return String(kept)
    }
}
