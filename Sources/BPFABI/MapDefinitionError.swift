/// The error numbers the kernel's bpf(2) paths return that skbpf reproduces.
public enum KernelErrno: Int32, Sendable, Hashable, CustomStringConvertible {
    /// `EPERM`.
    case eperm = 1
    /// `E2BIG`.
    case e2big = 7
    /// `ENOMEM`.
    case enomem = 12
    /// `EACCES`.
    case eacces = 13
    /// `EINVAL`.
    case einval = 22
    /// `ENOTSUPP` (524): kernel-internal, but bpf(2) lets it reach user space.
    case enotsupp = 524

    /// `EINVAL`.
    public var name: String {
        switch self {
        case .eperm: "EPERM"
        case .e2big: "E2BIG"
        case .enomem: "ENOMEM"
        case .eacces: "EACCES"
        case .einval: "EINVAL"
        case .enotsupp: "ENOTSUPP"
        }
    }

    /// `EINVAL (Invalid argument)`, as strerror() words it.
    public var description: String {
        let text = switch self {
        case .eperm: "Operation not permitted"
        case .e2big: "Argument list too long"
        case .enomem: "Cannot allocate memory"
        case .eacces: "Permission denied"
        case .einval: "Invalid argument"
        case .enotsupp: "Unknown error 524"
        }
        return "\(name) (\(text))"
    }
}

/// A map definition `BPF_MAP_CREATE` would refuse: the kernel's errno and which rule failed.
///
/// The kernel itself prints nothing for these; ``description`` names the map, the errno and the
/// rule: `map "counts": EINVAL (Invalid argument): array maps need key_size 4, got 8`.
public struct MapDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which rule the definition breaks.
    public enum Reason: Sendable, Hashable {
        /// `map_type` is not a kernel map type.
        case unknownType(UInt32)
        /// A kernel map type skbpf does not implement.
        case unsupportedType(MapType)
        /// `key_size` (given) is not what the type needs (`expected`).
        case keySize(UInt32, expected: String)
        /// `value_size` (given) is not what the type needs (`expected`).
        case valueSize(UInt32, expected: String)
        /// `max_entries` is 0.
        case maxEntriesZero
        /// Hash key + value too large for one element allocation.
        case elementTooLarge(keySize: UInt32, valueSize: UInt32)
        /// Ring buffer size not a power of 2 and a multiple of the page size.
        case ringbufSize(UInt32)
        /// Flags the map type does not accept.
        case flagsNotAllowed(MapFlags)
        /// Two flags that exclude each other.
        case conflictingFlags(String)
        /// The name is 16 bytes or longer or has a byte other than `[A-Za-z0-9_.]`.
        case badName
    }

    /// The definition's name.
    public var mapName: String
    /// What `BPF_MAP_CREATE` returns.
    public var errno: KernelErrno
    /// The rule that fails.
    public var reason: Reason

    /// A refusal of map `mapName`.
    public init(mapName: String, errno: KernelErrno, reason: Reason) {
        self.mapName = mapName
        self.errno = errno
        self.reason = reason
    }

    public var description: String {
        let why: String = switch reason {
        case .unknownType(let t): "unknown map type \(t)"
        case .unsupportedType(let t): "map type \(t.kernelName) is not supported by skbpf"
        case .keySize(let got, let expected): "key_size must be \(expected), got \(got)"
        case .valueSize(let got, let expected): "value_size must be \(expected), got \(got)"
        case .maxEntriesZero: "max_entries must not be 0"
        case .elementTooLarge(let k, let v): "key_size + value_size (\(k) + \(v)) is too large"
        case .ringbufSize(let n): "ringbuf max_entries must be a power of 2 and a multiple of 4096, got \(n)"
        case .flagsNotAllowed(let f): "map_flags 0x\(String(f.rawValue, radix: 16)) not allowed for this map type"
        case .conflictingFlags(let what): "\(what) exclude each other"
        case .badName: "name must be at most 15 characters of [A-Za-z0-9_.]"
        }
        return "map \"\(mapName)\": \(errno): \(why)"
    }
}
