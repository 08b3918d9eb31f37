// Type resolution over parsed BTF, as libbpf's btf__resolve_size() / skip_mods_and_typedefs()
// and the kernel's btf_type_id_size() do it. Chains are bounded by `maximumResolveDepth`, so
// a cycle in damaged BTF gives nil, never a hang.

extension BTF {
    /// `id` with `const`, `volatile`, `restrict` and type tags removed; nil for an unknown id
    /// or a chain longer than the kernel accepts.
    public func skippingModifiers(_ id: Int) -> Int? {
        skipping(id, typedefs: false)
    }

    /// `id` with modifiers and typedefs removed (libbpf's `skip_mods_and_typedefs()`).
    public func skippingModifiersAndTypedefs(_ id: Int) -> Int? {
        skipping(id, typedefs: true)
    }

    private func skipping(_ id: Int, typedefs: Bool) -> Int? {
        var current = id
        for _ in 0...Self.maximumResolveDepth {
            guard let type = type(current) else { return nil }
            switch type.kind {
            case .volatile(let next), .const(let next), .restrict(let next), .typeTag(let next):
                current = next
            case .typedef(let next) where typedefs:
                current = next
            default:
                return current
            }
        }
        return nil
    }

    /// The size in bytes of a value of type `id` (a VAR: of its type), or nil when the type
    /// has none (`void`, functions, forward declarations) or cannot be resolved.
    public func size(of id: Int) -> Int? {
        size(of: id, depth: 0)
    }

    private func size(of id: Int, depth: Int) -> Int? {
        guard depth <= Self.maximumResolveDepth, let resolved = skippingModifiersAndTypedefs(id),
            let type = type(resolved)
        else { return nil }
        switch type.kind {
        case .integer(let n, _, _, _), .structure(let n, _), .union(let n, _), .enumeration(let n, _, _),
            .enumeration64(let n, _, _), .float(let n), .dataSection(let n, _):
            return n
        case .pointer: return 8
        case .array(let element, _, let count):
            guard let elementSize = size(of: element, depth: depth + 1) else { return nil }
            let (total, overflow) = elementSize.multipliedReportingOverflow(by: count)
            return overflow || total > Int(UInt32.max) ? nil : total
        case .variable(let type, _): return size(of: type, depth: depth + 1)
        case .void, .forward, .function, .functionPrototype, .declarationTag, .typedef, .volatile, .const,
            .restrict, .typeTag:
            return nil
        }
    }

    /// A C-like spelling of type `id` for messages: `struct flow_key`, `__u32`, `void *`, `int[4]`.
    public func typeDescription(_ id: Int) -> String {
        description(of: id, depth: 0)
    }

    private func description(of id: Int, depth: Int) -> String {
        guard depth <= Self.maximumResolveDepth, let type = type(id) else { return "type \(id)" }
        let named = { (keyword: String) in type.name.isEmpty ? "\(keyword) (anon)" : "\(keyword) \(type.name)" }
        switch type.kind {
        case .void: return "void"
        case .integer, .float, .typedef: return type.name
        case .structure: return named("struct")
        case .union: return named("union")
        case .enumeration, .enumeration64: return named("enum")
        case .forward(let isUnion): return named(isUnion ? "union" : "struct")
        case .pointer(let target): return description(of: target, depth: depth + 1) + " *"
        case .array:
            // C order: `__u64 m[2][3]` is an array of 2 arrays of 3.
            var dimensions = ""
            var current = id
            var steps = 0
            while case .array(let element, _, let count)? = self.type(current)?.kind, steps <= Self.maximumResolveDepth
            {
                dimensions += "[\(count)]"
                current = element
                steps += 1
            }
            return description(of: current, depth: depth + steps) + dimensions
        case .const(let t): return "const " + description(of: t, depth: depth + 1)
        case .volatile(let t): return "volatile " + description(of: t, depth: depth + 1)
        case .restrict(let t): return description(of: t, depth: depth + 1) + " restrict"
        case .typeTag(let t): return description(of: t, depth: depth + 1)
        case .function: return "function \(type.name)"
        case .functionPrototype: return "function prototype"
        case .variable: return "variable \(type.name)"
        case .dataSection: return "section \(type.name)"
        case .declarationTag: return "decl tag \(type.name)"
        }
    }
}
