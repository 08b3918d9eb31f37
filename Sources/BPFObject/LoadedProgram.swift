public import BPFABI
public import BPFISA

/// An entry program of an object, linked and ready to verify: its subprograms appended,
/// calls and map references relocated, source lines attached.
public struct LoadedProgram: Hashable, Sendable {
    /// The function's name (`drop_icmp`), or the section's for a section without symbols.
    public var name: String
    /// The ELF section (`tc`, `socket`, `classifier/ingress`).
    public var sectionName: String
    /// Index of that section.
    public var sectionIndex: Int
    /// The program type libbpf derives from the section name, if it is one skbpf runs.
    public var programType: ProgramType?
    /// The linked instructions; ``Program/lineTable`` holds the `.BTF.ext` line records by
    /// instruction index. Validated with ``Program/validate()`` and ``Program/validateFunctions()``.
    public var program: Program
    /// The functions copied into ``program``, in order: the entry first, then each callee.
    public var functions: [LinkedFunction]
    /// Indices into ``LoadedObject/maps`` of the maps the instructions refer to, in order of
    /// first reference.
    public var referencedMaps: [Int]

    /// A linked program; ``LoadedObject/load(bytes:cpuCount:)`` makes these.
    public init(
        name: String, sectionName: String, sectionIndex: Int, programType: ProgramType?, program: Program,
        functions: [LinkedFunction], referencedMaps: [Int]
    ) {
        self.name = name
        self.sectionName = sectionName
        self.sectionIndex = sectionIndex
        self.programType = programType
        self.program = program
        self.functions = functions
        self.referencedMaps = referencedMaps
    }

    /// Function names by first slot, as `Disassembler.listing(of:symbols:)` takes them.
    public var functionNamesBySlot: [Int: String] {
        var names = [Int: String]()
        for function in functions { names[function.slots.lowerBound] = function.name }
        return names
    }

    /// The function instruction `index` belongs to.
    public func function(containingInstruction index: Int) -> LinkedFunction? {
        functions.first { $0.instructions.contains(index) }
    }

    /// The source line of instruction `index`: its own line record, or the closest one before
    /// it in the same function (clang gives a record only where the line changes).
    public func sourceLocation(ofInstruction index: Int) -> SourceLocation? {
        guard let function = function(containingInstruction: index) else { return nil }
        var current = index
        while current >= function.instructions.lowerBound {
            if let location = program.lineTable[current] { return location }
            current -= 1
        }
        return nil
    }
}

/// One function inside a linked program.
public struct LinkedFunction: Hashable, Sendable {
    /// The symbol's name (`section+0xOFF` for code no function symbol covers).
    public var name: String
    /// Its ELF section.
    public var sectionName: String
    /// Its byte offset in that section.
    public var sectionOffset: Int
    /// Its instruction indices in the linked program.
    public var instructions: Range<Int>
    /// Its slots in the linked program (what jump offsets and `llvm-objdump` count).
    public var slots: Range<Int>
    /// The BTF `FUNC` describing it (from `.BTF.ext` func_info), when there is one.
    public var btfTypeID: Int?

    /// A function's place in a linked program.
    public init(
        name: String, sectionName: String, sectionOffset: Int, instructions: Range<Int>, slots: Range<Int>,
        btfTypeID: Int? = nil
    ) {
        self.name = name
        self.sectionName = sectionName
        self.sectionOffset = sectionOffset
        self.instructions = instructions
        self.slots = slots
        self.btfTypeID = btfTypeID
    }
}
