/// Why a single instruction's fields are invalid. Positioned by ``DecodingError``.
public enum InstructionError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownOpcode(UInt8)
    case badRegister(field: String, value: UInt8)
    case writesFramePointer
    case reservedFieldNotZero(field: String, value: Int64)
    case badByteSwapWidth(Int64)
    case badSignExtension(Int16)
    case badCallSource(UInt8)
    case badLoadImmediateSource(UInt8)
    case badAtomicOperation(Int64)

    public var description: String {
        switch self {
        case .unknownOpcode(let op): "unknown opcode \(hex(op))"
        case .badRegister(let field, let value): "invalid \(field) register r\(value) (registers are r0-r10)"
        case .writesFramePointer: "writes r10, the read-only frame pointer"
        case .reservedFieldNotZero(let field, let value): "reserved field \(field) must be 0, is \(value)"
        case .badByteSwapWidth(let imm): "byte swap width must be 16, 32 or 64, is \(imm)"
        case .badSignExtension(let off): "movsx offset must be 8, 16 or 32 (32 only for ALU64), is \(off)"
        case .badCallSource(let src): "call src \(src) is neither 0 (helper), 1 (local) nor 2 (kfunc)"
        case .badLoadImmediateSource(let src): "lddw src \(src) is not a pseudo source 0-6"
        case .badAtomicOperation(let imm): "unknown atomic operation imm=\(hex(imm))"
        }
    }
}

/// A bytecode decoding or structure failure, at a slot (8-byte unit) index.
public struct DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case empty
        case lengthNotMultipleOfSlot(byteCount: Int)
        case invalidInstruction(InstructionError)
        case truncatedLoadImmediate
        case badLoadImmediateSecondSlot(String)
        case jumpOutOfRange(target: Int)
        case jumpIntoLoadImmediate(target: Int)
        case callOutOfRange(target: Int)
        case callIntoLoadImmediate(target: Int)
        case jumpOutOfFunction(target: Int)
        case functionFallsThrough
    }

    /// Index of the 8-byte slot where the problem is.
    public var slotIndex: Int
    public var reason: Reason

    public init(slotIndex: Int, reason: Reason) {
        self.slotIndex = slotIndex
        self.reason = reason
    }

    public var description: String {
        let what: String = switch reason {
        case .empty: "program is empty"
        case .lengthNotMultipleOfSlot(let n): "bytecode length \(n) is not a multiple of 8"
        case .invalidInstruction(let e): e.description
        case .truncatedLoadImmediate: "lddw is cut in half: its second slot is missing"
        case .badLoadImmediateSecondSlot(let why): "lddw second slot invalid: \(why)"
        case .jumpOutOfRange(let t): "jump to slot \(t) is outside the program"
        case .jumpIntoLoadImmediate(let t): "jump to slot \(t) lands in the middle of an lddw"
        case .callOutOfRange(let t): "call to slot \(t) is outside the program"
        case .callIntoLoadImmediate(let t): "call to slot \(t) lands in the middle of an lddw"
        case .jumpOutOfFunction(let t): "jump to slot \(t) leaves its function (jumps stay inside a function; use call)"
        case .functionFallsThrough: "last instruction of a function is not exit or an unconditional jump (it would fall through)"
        }
        return "slot \(slotIndex): \(what)"
    }
}

@usableFromInline
func hex(_ value: some BinaryInteger) -> String {
    value < 0 ? "-0x" + String(value.magnitude, radix: 16) : "0x" + String(value, radix: 16)
}
