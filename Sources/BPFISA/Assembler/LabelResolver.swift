// Both parsers emit instructions into a `ProgramBuilder`; jumps to labels are left with a
// zero offset and a `LabelReference`. Once the whole source is read, label names become
// instruction indices, indices become slots (an lddw takes two), and each reference is
// patched with `target slot - (own slot + own slot count)`, the encoding's relative distance:
//
//   slot 0   jeq %r1, 0, done     offset = 3 - (0 + 1) = 2
//   slot 1   lddw %r0, 1          (two slots)
//   slot 3   done: exit

/// The field a label reference patches.
enum LabelField {
    /// The 16-bit `offset` of `ja` and conditional jumps.
    case offset
    /// The 32-bit `imm` of `ja32`/`gotol`, local calls and code-address lddw.
    case immediate
}

/// A use of a label name, waiting for the label's slot.
struct LabelReference {
    var name: String
    var field: LabelField
    var line: Int
    var column: Int
}

/// Collects instructions, labels and references, then resolves and validates them.
struct ProgramBuilder {
    let file: String
    private(set) var instructions: [Instruction] = []
    private var lineTable: [Int: SourceLocation] = [:]
    /// User-defined labels: instruction index they precede, and where they were defined.
    private var labels: [String: (index: Int, line: Int)] = [:]
    /// Labels that apply only when the source does not define the name itself
    /// (the conformance dialect's implicit `exit`, objdump's `<function>:` headers).
    private var implicitLabels: [String: Int] = [:]
    private var references: [(instruction: Int, reference: LabelReference)] = []
    /// The first slot of an lddw spelled as `.8byte`, waiting for its second slot.
    var pendingWideSlot: (instruction: Instruction, location: SourceLocation)?

    init(file: String) { self.file = file }

    /// Index the next appended instruction will get.
    var nextIndex: Int { instructions.count }

    mutating func defineLabel(_ name: String, line: Int, column: Int) throws(AssemblyError) {
        try requireNoPendingSlot()
        if let previous = labels[name] {
            throw AssemblyError(
                file: file, line: line, column: column,
                message: AssemblyMessage.duplicateLabel(name, firstLine: previous.line))
        }
        labels[name] = (instructions.count, line)
    }

    /// Defines `name` at the next instruction unless it is already (implicitly) defined;
    /// a label the source defines anywhere takes precedence.
    mutating func defineImplicitLabel(_ name: String) {
        if implicitLabels[name] == nil { implicitLabels[name] = instructions.count }
    }

    mutating func append(
        _ instruction: Instruction, location: SourceLocation, reference: LabelReference? = nil
    ) throws(AssemblyError) {
        try requireNoPendingSlot()
        if let reference { references.append((instructions.count, reference)) }
        lineTable[instructions.count] = location
        instructions.append(instruction)
    }

    /// Patches every label reference, then (when `validating`) checks the program with
    /// `Program.validate()`, reporting a problem at the line of the instruction it concerns.
    func build(validating: Bool = true) throws(AssemblyError) -> Program {
        try requireNoPendingSlot()
        guard !instructions.isEmpty else {
            throw AssemblyError(file: file, line: 1, column: 1, message: AssemblyMessage.emptyProgram)
        }
        var patched = instructions
        let layout = Program(instructions: instructions)
        for (index, reference) in references {
            guard let targetIndex = labels[reference.name]?.index ?? implicitLabels[reference.name] else {
                throw AssemblyError(
                    file: file, line: reference.line, column: reference.column,
                    message: AssemblyMessage.undefinedLabel(reference.name))
            }
            let targetSlot =
                targetIndex < instructions.count ? layout.slotIndex(ofInstruction: targetIndex) : layout.slotCount
            // Jumps and calls count from the next instruction; an lddw code address (BPF_PSEUDO_FUNC)
            // from its own second slot, as the kernel does.
            let base = instructions[index].isWide ? 1 : instructions[index].slotCount
            let distance = targetSlot - (layout.slotIndex(ofInstruction: index) + base)
            switch reference.field {
            case .offset:
                guard let offset = Int16(exactly: distance) else {
                    throw AssemblyError(
                        file: file, line: reference.line, column: reference.column,
                        message: AssemblyMessage.labelTooFar(reference.name, distance: distance, bits: 16))
                }
                patched[index].offset = offset
            case .immediate:
                guard let imm = Int32(exactly: distance) else {
                    throw AssemblyError(
                        file: file, line: reference.line, column: reference.column,
                        message: AssemblyMessage.labelTooFar(reference.name, distance: distance, bits: 32))
                }
                // lddw keeps a code address in the low half only; other instructions sign-extend.
                patched[index].imm = patched[index].isWide ? Int64(UInt32(bitPattern: imm)) : Int64(imm)
            }
        }
        let program = Program(instructions: patched, lineTable: lineTable)
        guard validating else { return program }
        do {
            try program.validate()
        } catch {
            let index = Self.instructionIndex(containing: error.slotIndex, in: program)
            let location = lineTable[index]
            throw AssemblyError(
                file: file, line: location?.line ?? 1, column: location?.column ?? 1,
                message: AssemblyMessage.invalid(error.reason, slotCount: program.slotCount))
        }
        return program
    }

    /// An lddw's two `.8byte` slots must be adjacent.
    func requireNoPendingSlot() throws(AssemblyError) {
        guard let (_, location) = pendingWideSlot else { return }
        throw AssemblyError(
            file: file, line: location.line, column: location.column,
            message: AssemblyMessage.unpairedLoadImmediate())
    }

    /// The instruction that starts at or spans `slot`.
    private static func instructionIndex(containing slot: Int, in program: Program) -> Int {
        var slot = min(max(slot, 0), program.slotCount - 1)
        while slot > 0, program.instructionIndex(atSlot: slot) == nil { slot -= 1 }
        return program.instructionIndex(atSlot: slot) ?? 0
    }
}
