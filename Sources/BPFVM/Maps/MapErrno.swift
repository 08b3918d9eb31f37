/// The error numbers the kernel's map code returns, by name.
///
/// Helpers return them negated in r0 (``helperResult``); the user-space API throws them inside a
/// ``MapError``, as `bpf(2)` sets `errno`. The values are Linux's (include/uapi/asm-generic/errno*.h);
/// `ENOTSUPP` (524) is kernel-internal but reaches user space through `bpf(2)` all the same.
public enum MapErrno: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `EPERM`: the map is frozen (user space may not write it).
    case eperm = 1
    /// `ENOENT`: no element with that key; no next key.
    case enoent = 2
    /// `E2BIG`: index beyond `max_entries`, or a preallocated hash map is full.
    case e2big = 7
    /// `EAGAIN`: a ring buffer has no room for the record.
    case eagain = 11
    /// `ENOMEM`: no element could be had (an LRU map with nothing to evict), or a map too large to create.
    case enomem = 12
    /// `EACCES`.
    case eacces = 13
    /// `EFAULT`.
    case efault = 14
    /// `EEXIST`: `BPF_NOEXIST` and the key exists (arrays: always).
    case eexist = 17
    /// `EINVAL`: unknown flags, `BPF_F_LOCK` without a spin lock, deleting from an array.
    case einval = 22
    /// `ENOSPC`: a perf event buffer is full (the sample is counted as lost).
    case enospc = 28
    /// `EOPNOTSUPP`: a perf event bound to another CPU; an operation a map type has no use for.
    case eopnotsupp = 95
    /// `ENOTSUPP`: user-space element access to a ring buffer or perf event array.
    case enotsupp = 524

    /// What a helper returns for this error: `-errno`.
    @inlinable public var helperResult: Int { -Int(rawValue) }

    /// The error a helper result stands for, or nil for 0 and unknown values.
    public init?(helperResult: Int) {
        guard helperResult < 0, helperResult >= -Int(Int32.max), let e = MapErrno(rawValue: Int32(-helperResult))
        else { return nil }
        self = e
    }

    /// `ENOENT`.
    public var name: String {
        switch self {
        case .eperm: "EPERM"
        case .enoent: "ENOENT"
        case .e2big: "E2BIG"
        case .eagain: "EAGAIN"
        case .enomem: "ENOMEM"
        case .eacces: "EACCES"
        case .efault: "EFAULT"
        case .eexist: "EEXIST"
        case .einval: "EINVAL"
        case .enospc: "ENOSPC"
        case .eopnotsupp: "EOPNOTSUPP"
        case .enotsupp: "ENOTSUPP"
        }
    }

    /// `ENOENT (No such file or directory)`, as strerror() words it.
    public var description: String {
        let text = switch self {
        case .eperm: "Operation not permitted"
        case .enoent: "No such file or directory"
        case .e2big: "Argument list too long"
        case .eagain: "Resource temporarily unavailable"
        case .enomem: "Cannot allocate memory"
        case .eacces: "Permission denied"
        case .efault: "Bad address"
        case .eexist: "File exists"
        case .einval: "Invalid argument"
        case .enospc: "No space left on device"
        case .eopnotsupp: "Operation not supported"
        case .enotsupp: "Unknown error 524"
        }
        return "\(name) (\(text))"
    }
}
