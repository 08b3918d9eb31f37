/// A kernel helper function id: the `imm` of a `call` with `src == 0` (`enum bpf_func_id`).
///
/// Any `Int32` can appear in bytecode; ``isKnown`` says whether the kernel defines it
/// (1...211 on 6.18; 0 is `BPF_FUNC_unspec`, which exists but no program type may call).
/// The named constants (`HelperID.mapLookupElem`) are in `HelperID+Names.swift`.
public struct HelperID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The call instruction's `imm`.
    public var rawValue: Int32

    /// The helper with id `rawValue`, known to the kernel or not.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The helper with id `rawValue`, known to the kernel or not.
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The helper named `name`, with or without the `bpf_` prefix (`map_lookup_elem`,
    /// `bpf_map_lookup_elem`); nil for names the kernel does not define.
    public init?(name: String) {
        let bare = name.hasPrefix("bpf_") ? String(name.dropFirst(4)) : name
        guard let index = Self.indexByName[bare] else { return nil }
        self.rawValue = Int32(index)
    }

    /// One past the largest id the kernel defines (`__BPF_FUNC_MAX_ID`, 212 on 6.18).
    public static var maxID: Int32 { Int32(names.count) }

    /// Every id the kernel defines, `unspec` (0) included.
    public static var all: [HelperID] { (0..<maxID).map(HelperID.init(rawValue:)) }

    /// True when the kernel defines this id (`0 <= id < __BPF_FUNC_MAX_ID`).
    public var isKnown: Bool { rawValue >= 0 && rawValue < Self.maxID }

    /// The name without the `bpf_` prefix (`map_lookup_elem`), or nil for an unknown id.
    public var name: String? {
        guard isKnown else { return classicExtensionName }
        return Self.names[Int(rawValue)].description
    }

    /// The name the verifier prints (`func_id_name()`): `bpf_map_lookup_elem`, or `unknown`.
    public var kernelName: String { name.map { "bpf_" + $0 } ?? "unknown" }

    /// `bpf_map_lookup_elem#1`, as the verifier log writes a call.
    public var description: String { "\(kernelName)#\(rawValue)" }

    public static func < (lhs: HelperID, rhs: HelperID) -> Bool { lhs.rawValue < rhs.rawValue }

    private static let indexByName: [String: Int] = Dictionary(
        uniqueKeysWithValues: names.enumerated().map { ($0.element.description, $0.offset) })
}
