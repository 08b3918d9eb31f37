public import BPFABI
public import BPFISA

/// Why a program cannot be prepared for running (before any instruction executes).
public enum LoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The program fails RFC 9669 validation or the function-structure check (a jump out of its
    /// function, a call to no function start, a function that can fall off its end).
    case invalidProgram(DecodingError)
    /// A `call imm` to a helper id the registry does not have.
    case unknownHelper(id: Int32, slotIndex: Int)
    /// A Linux helper the program type may not call, with the verifier's words
    /// (`program of this type cannot use helper bpf_skb_store_bytes#9`).
    case helperRefused(HelperCallError, slotIndex: Int)
    /// An `lddw` map reference the run's map set cannot satisfy (no such map, no direct value).
    case invalidMapReference(String, slotIndex: Int)
    /// A valid instruction the interpreter cannot run yet; the text says what it needs
    /// (`lddw with pseudo source map_fd needs an ELF loader/maps (not supported yet)`).
    case unsupported(String, slotIndex: Int)
    /// A context access the program type's rules refuse; prints the kernel's
    /// `invalid bpf_context access off=76 size=2`.
    case contextAccess(ContextAccessError, slotIndex: Int)
    /// A use of the context pointer the kernel's verifier refuses, in its words
    /// (`dereference of modified ctx ptr R1 off=8 disallowed`).
    case invalidContextUse(String, slotIndex: Int)

    public var description: String {
        switch self {
        case .invalidProgram(let error): "invalid program: \(error)"
        case .unknownHelper(let id, let slot): "slot \(slot): call to unknown helper \(id)"
        case .helperRefused(let error, let slot): "slot \(slot): \(error)"
        case .invalidMapReference(let message, let slot): "slot \(slot): \(message)"
        case .unsupported(let what, let slot): "slot \(slot): \(what)"
        case .contextAccess(let error, let slot): "slot \(slot): \(error)"
        case .invalidContextUse(let message, let slot): "slot \(slot): \(message)"
        }
    }
}
