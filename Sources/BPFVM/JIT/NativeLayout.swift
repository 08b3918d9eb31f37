import BPFABI
import PacketBuffer

// Byte offsets the native code reads fields at, taken from the compiler's own layout of the
// structs (`MemoryLayout.offset(of:)`), never written down by hand.

enum RunStateLayout {
    static let context = MemoryLayout<RunState>.offset(of: \RunState.context)!
    static let controlBlock = MemoryLayout<RunState>.offset(of: \RunState.controlBlock)!
    static let packetStart = MemoryLayout<RunState>.offset(of: \RunState.packetStart)!
    static let packetLength = MemoryLayout<RunState>.offset(of: \RunState.packetLength)!
}

enum SkBuffMetadataLayout {
    static let head = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.head)!
    static let dataOffset = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.dataOffset)!
    static let tailOffset = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.tailOffset)!
    static let mark = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.mark)!
    static let priority = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.priority)!
    static let hash = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.hash)!
    static let protocolBigEndian = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.protocolBigEndian)!
    static let ifindex = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.ifindex)!
    static let ingressIfindex = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.ingressIfindex)!
    static let vlanTCI = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.vlanTCI)!
    static let vlanProtoBigEndian = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.vlanProtoBigEndian)!
    static let tcIndex = MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.tcIndex)!
}

/// The `__sk_buff` fields the native code reads and writes itself: full-width accesses to a
/// stored field of the same width (or `len`, computed). The rest go through the interpreter's
/// ``Interpreter/contextLoad(_:_:_:)`` and ``Interpreter/contextStore(_:_:_:_:)``, one definition.
enum ContextField {
    struct Location {
        enum Kind {
            case plain(X86Width)
            /// `tail - data`, 32 bits.
            case length
        }
        var kind: Kind
        var offset: Int
        var inControlBlock = false
    }

    static func load(_ operand: ContextOperand) -> Location? {
        guard !operand.isNarrow, !operand.signExtends else { return nil }
        let field = SkBuffContext.Field(rawValue: operand.fieldRawValue) ?? .padding
        let width = operand.byteCount
        switch field {
        case .len where width == 4: return Location(kind: .length, offset: 0)
        case .cb: return controlBlock(operand)
        default: break
        }
        guard let (offset, fieldWidth) = plainField(field), fieldWidth <= width else { return nil }
        // A 4-byte read of a u16 field zero-extends it: movzx of the field's own width.
        return Location(kind: .plain(fieldWidth == 2 ? .word : .dword), offset: offset)
    }

    static func store(_ operand: ContextOperand) -> Location? {
        let field = SkBuffContext.Field(rawValue: operand.fieldRawValue) ?? .padding
        switch field {
        case .mark, .priority:
            guard operand.byteCount == 4 else { return nil }
            return Location(kind: .plain(.dword), offset: plainField(field)!.offset)
        case .cb: return controlBlock(operand)
        default: return nil  // tc_index, queue_mapping, tstamp… have rules of their own
        }
    }

    private static func controlBlock(_ operand: ContextOperand) -> Location? {
        let width: X86Width
        switch operand.byteCount {
        case 1: width = .byte
        case 2: width = .word
        case 4: width = .dword
        case 8: width = .qword
        default: return nil
        }
        return Location(kind: .plain(width), offset: SkBuff.ControlBlockLayout.programData + operand.offsetInField,
                        inControlBlock: true)
    }

    /// Offset and byte width of a field stored as is in `SkBuffMetadata`.
    private static func plainField(_ field: SkBuffContext.Field) -> (offset: Int, width: Int)? {
        switch field {
        case .mark: (SkBuffMetadataLayout.mark, 4)
        case .priority: (SkBuffMetadataLayout.priority, 4)
        case .hash: (SkBuffMetadataLayout.hash, 4)
        case .ifindex: (SkBuffMetadataLayout.ifindex, 4)
        case .ingressIfindex: (SkBuffMetadataLayout.ingressIfindex, 4)
        case .protocol: (SkBuffMetadataLayout.protocolBigEndian, 2)
        case .vlanTCI: (SkBuffMetadataLayout.vlanTCI, 2)
        case .vlanProto: (SkBuffMetadataLayout.vlanProtoBigEndian, 2)
        case .tcIndex: (SkBuffMetadataLayout.tcIndex, 2)
        default: nil
        }
    }
}
