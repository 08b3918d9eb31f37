/// A run that the interpreter stopped: the program tried something its regions or limits forbid.
/// Never a crash, never an access outside the regions the run was given.
public struct Trap: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Access: String, Hashable, Sendable {
        case read, write
    }

    public enum Kind: Hashable, Sendable {
        /// A load, store or atomic outside every region (or a write to a read-only one).
        case outOfBounds(Access, byteCount: Int, address: UInt64, regions: [MemoryRegion.Description])
        /// More instructions executed than the run's budget allows (a loop that does not end).
        case instructionBudgetExhausted(limit: Int)
        /// A local call deeper than ``Interpreter/maximumCallDepth`` frames.
        case callDepthExceeded(limit: Int)
        /// `callx` to an id no helper has.
        case unknownHelper(id: UInt64)
        /// A helper refused its arguments.
        case helperFailed(name: String, reason: String)
    }

    /// The instruction's slot, as `skbpf disasm` numbers it.
    public var slotIndex: Int
    public var kind: Kind

    public init(slotIndex: Int, kind: Kind) {
        self.slotIndex = slotIndex
        self.kind = kind
    }

    public var description: String {
        let what: String = switch kind {
        case .outOfBounds(let access, let size, let address, let regions):
            "out-of-bounds \(access.rawValue) of \(size) byte\(size == 1 ? "" : "s") at 0x\(String(address, radix: 16))"
                + Self.nearest(address, regions)
        case .instructionBudgetExhausted(let limit):
            "instruction budget of \(limit) exhausted (does the program loop forever?)"
        case .callDepthExceeded(let limit):
            "call depth exceeds \(limit) frames"
        case .unknownHelper(let id):
            "callx to unknown helper \(Int64(bitPattern: id))"
        case .helperFailed(let name, let reason):
            "helper \(name) failed: \(reason)"
        }
        return "slot \(slotIndex): \(what)"
    }

    /// Names the region closest to a faulting address, with the offset relative to it.
    private static func nearest(_ address: UInt64, _ regions: [MemoryRegion.Description]) -> String {
        guard !regions.isEmpty else { return " (no memory regions)" }
        let distance = { (r: MemoryRegion.Description) -> UInt64 in
            address < r.start ? r.start - address : (address >= r.start &+ UInt64(r.byteCount) ? address - r.start - UInt64(r.byteCount) : 0)
        }
        let region = regions.min { distance($0) < distance($1) }!
        // Further than a page from every region: a wild pointer, not an off-by-some.
        if distance(region) > 4096 {
            let list = regions.map { "\($0.name) \($0.byteCount) bytes" }.joined(separator: ", ")
            return " (no region nearby; the run has: \(list))"
        }
        let readOnly = region.isWritable ? "" : ", read-only"
        if region.name.hasPrefix("stack") {
            // The deepest frame is the current one: name the address as the program does, from r10.
            let fromFramePointer = Int64(bitPattern: address &- (region.start &+ UInt64(Interpreter.stackFrameSize)))
            return " (\(region.name): \(region.byteCount) bytes, r10\(fromFramePointer < 0 ? "" : "+")\(fromFramePointer))"
        }
        let offset = Int64(bitPattern: address &- region.start)
        return " (\(region.name): \(region.byteCount) bytes\(readOnly), offset \(offset))"
    }
}
