/// An assembly failure at a place in the source, worded like a compiler diagnostic:
/// `filter.s:3:12: error: expected ']' after offset (found ',')`.
///
/// `line` and `column` are 1-based; the column counts UTF-8 bytes (a tab is one column),
/// as clang and swiftc count them.
public struct AssemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// What is wrong, one line, starting in lower case.
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// The assembler's messages, in one place so that they are greppable and tested.
/// `found` arguments are already quoted token descriptions (`'%r50'`, `end of line`).
enum AssemblyMessage {
    static func unknownMnemonic(_ mnemonic: String) -> String { "unknown mnemonic '\(mnemonic)'" }

    static func unknownInstruction(_ found: String) -> String {
        "expected an instruction (found \(found))"
    }

    static func expected(_ what: String, _ context: String? = nil, found: String) -> String {
        if let context { return "expected \(what) \(context) (found \(found))" }
        return "expected \(what) (found \(found))"
    }

    static func invalidRegister(_ text: String, valid: String) -> String {
        "invalid register '\(text)' (registers are \(valid))"
    }

    static func operandCount(_ mnemonic: String, signature: String, found: Int) -> String {
        let count = signature.isEmpty ? 0 : signature.split(separator: ",").count
        let noun = count == 1 ? "operand" : "operands"
        let list = signature.isEmpty ? "" : ": \(signature)"
        return "\(mnemonic) needs \(count) \(noun)\(list) (found \(found))"
    }

    static func unexpectedAfterInstruction(_ found: String) -> String {
        "unexpected \(found) after the end of the instruction"
    }

    static func immediateOutOfRange(_ text: String, bits: Int) -> String {
        "immediate \(text) out of \(bits)-bit range"
    }

    static func offsetOutOfRange(_ text: String) -> String { "offset \(text) out of 16-bit range" }

    static func jumpOutOfRange(_ text: String, bits: Int) -> String {
        "jump offset \(text) out of \(bits)-bit range"
    }

    static func invalidNumber(_ text: String) -> String { "invalid number '\(text)'" }

    static func unexpectedCharacter(_ text: String) -> String { "unexpected character '\(text)'" }

    static func undefinedLabel(_ name: String) -> String { "undefined label '\(name)'" }

    static func duplicateLabel(_ name: String, firstLine: Int) -> String {
        "duplicate label '\(name)' (first defined on line \(firstLine))"
    }

    static func labelTooFar(_ name: String, distance: Int, bits: Int) -> String {
        "label '\(name)' is \(distance) slots away, beyond the \(bits)-bit jump offset range"
    }

    static func mixedRegisterWidths(_ context: String) -> String {
        "\(context) mixes 32-bit (wN) and 64-bit (rN) registers"
    }

    static func registerWidth(_ register: String, expected: String) -> String {
        "register '\(register)' has the wrong width here: expected \(expected)"
    }

    static func sameRegisterRequired(_ form: String) -> String {
        "\(form) must name the same register on both sides"
    }

    static func unsupportedAccessSize(_ type: String, _ context: String) -> String {
        "'\(type)' is not a valid access size for \(context)"
    }

    static func packetLoadDestination(_ register: String) -> String {
        "legacy packet loads always write r0 (found '\(register)')"
    }

    static func unpairedLoadImmediate() -> String {
        ".8byte: an lddw slot (opcode 0x18) must be followed by a second .8byte slot"
    }

    static func unresolvedSymbol(_ name: String) -> String {
        "'\(name) ll' needs a relocation, which assembly text cannot carry; write map_fd(N), map_idx(N) or a number"
    }

    static func badSecondSlot() -> String {
        ".8byte: the second slot of an lddw must have opcode, registers and offset 0"
    }

    static func objdumpUnknown() -> String {
        "llvm-objdump could not decode this instruction ('<unknown>')"
    }

    static let emptyProgram = "program has no instructions"

    /// A structural problem `Program.validate()` found, at the instruction it names.
    static func invalid(_ reason: DecodingError.Reason, slotCount: Int) -> String {
        switch reason {
        case .empty: emptyProgram
        case .invalidInstruction(let error): "invalid instruction: \(error)"
        case .jumpOutOfRange(let target):
            "jump target out of range: slot \(target) is outside the program (slots 0-\(slotCount - 1))"
        case .jumpIntoLoadImmediate(let target):
            "jump target slot \(target) is the second half of an lddw"
        case .callOutOfRange(let target):
            "call target out of range: slot \(target) is outside the program (slots 0-\(slotCount - 1))"
        case .callIntoLoadImmediate(let target):
            "call target slot \(target) is the second half of an lddw"
        case .jumpOutOfFunction(let target):
            "jump target slot \(target) is in another function (jumps stay inside a function; use call)"
        case .functionFallsThrough:
            "the function's last instruction is not exit or an unconditional jump: execution would fall through"
        case .lengthNotMultipleOfSlot, .truncatedLoadImmediate, .badLoadImmediateSecondSlot:
            "internal assembler error: \(DecodingError(slotIndex: 0, reason: reason))"
        }
    }
}
