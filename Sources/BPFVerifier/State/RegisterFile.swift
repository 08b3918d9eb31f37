/// R0–R10 of one frame, stored inline.
///
/// An array would put the registers in a heap buffer: every state the walk keeps or pushes then
/// shares it, and the next register write copies it (a malloc, a free and reference counting per
/// kept state). Inline, a state copy is a plain memcpy of about 1.2 KB. Measured on payload_scan.o
/// (verify-bench, release): 14.8 ms with `[RegisterState]`, see the commit for the figure after.
struct RegisterFile: Hashable, Sendable, RandomAccessCollection, MutableCollection {
    private var storage: (RegisterState, RegisterState, RegisterState, RegisterState, RegisterState, RegisterState,
                          RegisterState, RegisterState, RegisterState, RegisterState, RegisterState)

    /// Eleven registers, all `value`.
    init(repeating value: RegisterState) {
        storage = (value, value, value, value, value, value, value, value, value, value, value)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { 11 }

    subscript(r: Int) -> RegisterState {
        get {
            switch r {
            case 0: storage.0
            case 1: storage.1
            case 2: storage.2
            case 3: storage.3
            case 4: storage.4
            case 5: storage.5
            case 6: storage.6
            case 7: storage.7
            case 8: storage.8
            case 9: storage.9
            case 10: storage.10
            default: preconditionFailure("register r\(r)")
            }
        }
        set {
            switch r {
            case 0: storage.0 = newValue
            case 1: storage.1 = newValue
            case 2: storage.2 = newValue
            case 3: storage.3 = newValue
            case 4: storage.4 = newValue
            case 5: storage.5 = newValue
            case 6: storage.6 = newValue
            case 7: storage.7 = newValue
            case 8: storage.8 = newValue
            case 9: storage.9 = newValue
            case 10: storage.10 = newValue
            default: preconditionFailure("register r\(r)")
            }
        }
    }

    static func == (a: RegisterFile, b: RegisterFile) -> Bool {
        for r in 0..<11 where a[r] != b[r] { return false }
        return true
    }

    func hash(into hasher: inout Hasher) {
        for r in 0..<11 { hasher.combine(self[r]) }
    }
}
