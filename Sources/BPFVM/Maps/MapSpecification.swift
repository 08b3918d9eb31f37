public import BPFABI

/// What it takes to create one map: the loader's `ObjectMap` (BPFObject) reduced to the fields
/// the maps need, so that BPFVM does not depend on the object loader.
public struct MapSpecification: Sendable, Hashable {
    /// The name as the object spells it (`flows`, `.rodata`): dumps and `--map-set` use it.
    public var name: String
    /// Type, sizes, entries and flags (`map_name` in its `name`).
    public var definition: MapDefinition
    /// The first value's initial bytes (global data from `.data*`/`.rodata*`); nil: zeroed.
    public var initialData: [UInt8]?
    /// True for `.rodata*`: the map is frozen after the initial data is written, as libbpf does.
    public var isReadOnly: Bool

    /// A specification; nothing is checked until ``MapSet/add(_:)``.
    public init(name: String, definition: MapDefinition, initialData: [UInt8]? = nil, isReadOnly: Bool = false) {
        self.name = name
        self.definition = definition
        self.initialData = initialData
        self.isReadOnly = isReadOnly
    }
}
