public import BPFABI

/// A map operation from user space that failed, or a map that could not be created: the map, the
/// errno `bpf(2)` would set, and what went wrong.
///
/// `description` reads `map "flows": update: EEXIST (File exists)`. Messages are built by the
/// static factories below, so every wording lives in this file.
public struct MapError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The map's name (as the object spells it), or the `--map-set` text when no map matched.
    public var mapName: String
    /// What `bpf(2)` would return.
    public var errno: MapErrno
    /// What failed, without the map name or errno.
    public var message: String
    /// The definition rule that failed, when creating the map failed at ``MapDefinition/validate()``.
    public var definitionError: MapDefinitionError?

    /// An error of map `mapName`.
    public init(mapName: String, errno: MapErrno, message: String, definitionError: MapDefinitionError? = nil) {
        self.mapName = mapName
        self.errno = errno
        self.message = message
        self.definitionError = definitionError
    }

    public var description: String {
        if let definitionError { return definitionError.description }
        return "map \"\(mapName)\": \(message): \(errno)"
    }

    /// `BPF_MAP_CREATE` refuses the definition.
    static func definition(_ name: String, _ error: MapDefinitionError) -> MapError {
        let errno = MapErrno(rawValue: error.errno.rawValue) ?? .einval
        return MapError(mapName: name, errno: errno, message: "create", definitionError: error)
    }

    /// The map would need more memory than the set allows.
    static func tooLarge(_ name: String, limit: Int) -> MapError {
        MapError(mapName: name, errno: .enomem, message: "create: needs more than \(limit) bytes")
    }

    /// A set holds at most ``MapSet/capacity`` maps (the kernel's `MAX_USED_MAPS`).
    static func tooManyMaps(_ name: String, capacity: Int) -> MapError {
        MapError(mapName: name, errno: .e2big, message: "create: a program uses at most \(capacity) maps")
    }

    /// Global data longer than the value.
    static func initialData(_ name: String, count: Int, valueSize: Int) -> MapError {
        MapError(mapName: name, errno: .einval,
                 message: "initial data: \(count) bytes do not fit a \(valueSize)-byte value")
    }

    /// A key of the wrong length.
    static func keySize(_ name: String, _ operation: String, got: Int, expected: Int) -> MapError {
        MapError(mapName: name, errno: .einval, message: "\(operation): key must be \(expected) bytes, got \(got)")
    }

    /// A value of the wrong length.
    static func valueSize(_ name: String, _ operation: String, got: Int, expected: String) -> MapError {
        MapError(mapName: name, errno: .einval, message: "\(operation): value must be \(expected) bytes, got \(got)")
    }

    /// The map operation itself returned an error.
    static func failed(_ name: String, _ operation: String, _ errno: MapErrno) -> MapError {
        MapError(mapName: name, errno: errno, message: operation)
    }

    /// A `--map-set` text not of the form `NAME:KEYHEX:VALUEHEX`.
    static func badSetting(_ text: String, _ why: String) -> MapError {
        MapError(mapName: text, errno: .einval, message: "--map-set: \(why) (want NAME:KEYHEX:VALUEHEX)")
    }

    /// A `--map-set` naming no map of the set.
    static func noSuchMap(_ name: String, available: [String]) -> MapError {
        let names = available.map { "\"\($0)\"" }.joined(separator: ", ")
        return MapError(mapName: name, errno: .enoent, message: "--map-set: no such map (have \(names))")
    }
}
