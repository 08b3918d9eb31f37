/// Registers as the kernel's verifier log prints them: `scalar(umax=255,var_off=(0x0; 0xff))`,
/// `ctx()`, `fp-8`, `pkt(off=14,r=34)`, `map_value(map=flows,ks=16,vs=16)`.
enum RegisterText {
    /// A scalar's id, `1+2` for one linked to id 1 plus the constant 2.
    static func idText(_ r: RegisterState) -> String {
        guard r.id & RegisterState.addConstFlags != 0 else { return "\(r.id)" }
        return "\(r.baseID)" + (r.offset >= 0 ? "+\(r.offset)" : "\(r.offset)")
    }

    static func describe(_ r: RegisterState, maps: [VerifierMap] = []) -> String {
        switch r.type {
        case .notInitialized: return "?"
        case .scalar:
            if let value = r.bounds.constantValue { return String(Int64(bitPattern: value)) }
            return "scalar(\(r.id != 0 ? "id=\(idText(r))," : "")\(r.bounds))"
        case .stack(let frame):
            return "fp\(r.offset == 0 ? "0" : String(r.offset))" + (frame > 0 ? "[frame\(frame)]" : "")
        default:
            var fields = [String]()
            if r.id != 0 { fields.append("id=\(r.id)") }
            if r.referenceID != 0 { fields.append("ref_obj_id=\(r.referenceID)") }
            if r.offset != 0 { fields.append("off=\(r.offset)") }
            if r.type == .packet || r.type == .packetMeta { fields.append("r=\(r.range)") }
            if case .ringbufMemory(let size) = r.type { fields.append("sz=\(size)") }
            if r.bounds.constantValue != 0 { fields.append("\(r.bounds)") }
            return "\(r.typeName)(\(fields.joined(separator: ",")))"
        }
    }
}
