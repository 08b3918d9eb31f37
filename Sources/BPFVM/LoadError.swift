public import BPFISA

/// Why a program cannot be prepared for running (before any instruction executes).
public enum LoadError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidProgram(DecodingError)
    case unknownHelper(id: Int32, slotIndex: Int)
    case unsupported(String, slotIndex: Int)

    public var description: String {
        switch self {
        case .invalidProgram(let error): "invalid program: \(error)"
        case .unknownHelper(let id, let slot): "slot \(slot): call to unknown helper \(id)"
        case .unsupported(let what, let slot): "slot \(slot): \(what) is not supported here"
        }
    }
}
