/// A sequence of instructions, as loaded: jump offsets are in 8-byte slots (as encoded),
/// and an LDDW is one ``Instruction`` spanning two slots.
///
/// `instructions[i]` starts at slot `slotIndex(ofInstruction: i)`; jumps and local calls
/// target `slot + 1 + offset`. The disassembler numbers lines by slot, as `llvm-objdump`
/// and the kernel do.
public struct Program: Hashable, Sendable {
    public private(set) var instructions: [Instruction]
    /// `slotStarts[i]` is the first slot of instruction `i`; one extra entry holds the slot count.
    private var slotStarts: [Int]
    /// Source-line information per instruction index, when the producer had it.
    public var lineTable: [Int: SourceLocation]

    /// A program from instructions, without structural checks (see ``validate()``).
    public init(instructions: [Instruction], lineTable: [Int: SourceLocation] = [:]) {
        self.instructions = instructions
        self.lineTable = lineTable
        var starts = [Int]()
        starts.reserveCapacity(instructions.count + 1)
        var slot = 0
        for insn in instructions {
            starts.append(slot)
            slot += insn.slotCount
        }
        starts.append(slot)
        self.slotStarts = starts
    }

    /// Number of 8-byte slots the program occupies.
    public var slotCount: Int { slotStarts[instructions.count] }

    public func slotIndex(ofInstruction index: Int) -> Int { slotStarts[index] }

    /// The instruction that starts at `slot`, or nil if `slot` is outside or inside an LDDW.
    public func instructionIndex(atSlot slot: Int) -> Int? {
        guard slot >= 0, slot < slotCount else { return nil }
        // Binary search: slotStarts is strictly increasing.
        var low = 0, high = instructions.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let s = slotStarts[mid]
            if s == slot { return mid }
            if s < slot { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// The slot a jump, local call or code-address LDDW at instruction `index` refers to, if any.
    public func targetSlot(ofInstruction index: Int) -> Int? {
        let insn = instructions[index]
        let next = slotStarts[index] + insn.slotCount
        switch insn.kind {
        case .jumpAlways(isLong: false)?, .jump?: return next + Int(insn.offset)
        case .jumpAlways(isLong: true)?, .call(.local)?: return next + Int(insn.imm32)
        // BPF_PSEUDO_FUNC counts from the lddw's second slot (kernel `add_subprog_and_kfunc`:
        // target = i + imm + 1), not from the instruction after it.
        case .loadImmediate64(.codeAddress)?: return slotStarts[index] + 1 + Int(insn.imm32)
        default: return nil
        }
    }
}

/// A place in a source file (from BTF line info or an assembly file).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The source line's text, when known.
    public var text: String?

    public init(file: String, line: Int, column: Int = 0, text: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.text = text
    }

    public var description: String { column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)" }
}
