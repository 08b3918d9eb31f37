/// What one byte of a stack frame holds (`STACK_INVALID`, `STACK_MISC`, `STACK_ZERO`, `STACK_SPILL`).
enum StackByte: UInt8, Hashable, Sendable {
    case invalid = 0, misc = 1, zero = 2, spill = 3
}

/// One 8-byte stack slot (`struct bpf_stack_state`): the kind of each byte, packed two bits per
/// byte (byte 0 = the slot's lowest address), and the register spilled there, if any.
struct StackSlot: Hashable, Sendable {
    var kinds: UInt16 = 0
    /// The register an 8-byte (or scalar 4-byte) spill saved; its bytes are `.spill`.
    var spilled: RegisterState?

    static let empty = StackSlot()

    func kind(_ byte: Int) -> StackByte { StackByte(rawValue: UInt8((kinds >> UInt16(byte * 2)) & 3))! }

    mutating func setKind(_ byte: Int, _ kind: StackByte) {
        kinds = kinds & ~(3 << UInt16(byte * 2)) | UInt16(kind.rawValue) << UInt16(byte * 2)
    }

    var isEmpty: Bool { kinds == 0 && spilled == nil }
}

/// A function's 512-byte stack frame, slot by slot from the top (`slots[0]` = fp-8 … fp-1).
struct StackState: Hashable, Sendable {
    /// `MAX_BPF_STACK`: bytes of one frame, and of all the frames of a call chain together.
    static let byteCount = 512
    static let slotCount = byteCount / 8
    var slots: [StackSlot] = Array(repeating: .empty, count: slotCount)
    /// Deepest byte below the frame pointer this function touched (its stack depth).
    var depth = 0

    /// Slot and byte within it of frame offset `offset` (-512 ..< 0).
    static func position(_ offset: Int) -> (slot: Int, byte: Int) {
        let fromTop = -offset - 1  // fp-1 -> 0
        return (fromTop / 8, 7 - fromTop % 8)
    }
}
