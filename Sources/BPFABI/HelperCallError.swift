/// A helper call the kernel refuses before looking at its arguments' values, worded as the
/// verifier words it (`check_helper_call()`, `check_map_func_compatibility()`, kernel/bpf/verifier.c).
public enum HelperCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The id is outside `0..<__BPF_FUNC_MAX_ID`: `invalid func unknown#212`.
    case unknown(HelperID)
    /// The program type has no prototype for the id:
    /// `program of this type cannot use helper bpf_skb_store_bytes#9`.
    case unavailable(HelperID, programType: ProgramType)
    /// A `gpl_only` helper called from a program whose license is not GPL-compatible.
    case gplRequired(HelperID)
    /// A sleepable helper in a program that cannot sleep.
    case mightSleep(HelperID)
    /// A map of the wrong type for this helper (either side's rule):
    /// `cannot pass map_type 1 into func bpf_ringbuf_output#130`.
    case incompatibleMap(MapType, HelperID)
    /// `bpf_tail_call` given a map that is not a prog array (6.18 words this one specially).
    case tailCallNeedsProgramArray(MapType)

    /// The refusal of a call to `id` from `programType`, or nil when the call passes the
    /// program-type, license and sleepability checks, in the kernel's order. The classic-BPF
    /// extension calls (``HelperID/classicExtensions``) pass only when `allowsClassicExtensions`
    /// (a program translated from classic BPF) and the program has a socket-buffer context.
    public static func check(_ id: HelperID, programType: ProgramType, isGPLCompatible: Bool,
                             allowsClassicExtensions: Bool = false) -> HelperCallError? {
        if id.isClassicExtension {
            return allowsClassicExtensions && programType.hasSkBuffContext ? nil : .unknown(id)
        }
        guard id.isKnown else { return .unknown(id) }
        guard id.isAvailable(to: programType) else { return .unavailable(id, programType: programType) }
        if id.isGPLOnly && !isGPLCompatible { return .gplRequired(id) }
        if id.mightSleep { return .mightSleep(id) }
        return nil
    }

    /// The refusal of passing a map of `mapType` to `id`, or nil when the kernel allows it
    /// (`check_map_func_compatibility()`: map-side restrictions, then the helper's own).
    public static func checkMap(_ mapType: MapType, passedTo id: HelperID) -> HelperCallError? {
        if let allowed = mapType.allowedHelpers, !allowed.contains(id) {
            return id == .tailCall ? .tailCallNeedsProgramArray(mapType) : .incompatibleMap(mapType, id)
        }
        // The generic map helpers take any map the first test let through; skipping the prototype
        // table (a dictionary lookup and a copy) keeps the run-time check of every map call cheap.
        if id == .mapLookupElem || id == .mapUpdateElem || id == .mapDeleteElem { return nil }
        if let required = id.prototype?.requiredMapType, required != mapType {
            return id == .tailCall ? .tailCallNeedsProgramArray(mapType) : .incompatibleMap(mapType, id)
        }
        return nil
    }

    /// The verifier's log line.
    public var description: String {
        switch self {
        case .unknown(let id): "invalid func \(id)"
        case .unavailable(let id, _): "program of this type cannot use helper \(id)"
        case .gplRequired: "cannot call GPL-restricted function from non-GPL compatible program"
        case .mightSleep: "helper call might sleep in a non-sleepable prog"
        case .incompatibleMap(let type, let id): "cannot pass map_type \(type.rawValue) into func \(id)"
        case .tailCallNeedsProgramArray: "expected prog array map for tail call"
        }
    }
}
