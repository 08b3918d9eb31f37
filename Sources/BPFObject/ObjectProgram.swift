public import BPFISA

/// One function of an executable section: a program (an entry point, named by its section,
/// e.g. `tc`) or a `.text` subprogram reached by bpf-to-bpf calls.
public struct ObjectProgram: Sendable {
    /// Index of the executable section.
    public var sectionIndex: Int
    /// The section's name, which tells loaders the program type (`tc`, `socket`, `.text`).
    public var sectionName: String
    /// The function symbol's name (the section name when the section has no function symbols).
    public var name: String
    /// Byte offset of the first instruction inside the section.
    public var sectionOffset: Int
    /// Size in bytes (a multiple of 8).
    public var byteCount: Int
    /// The instructions as stored: relocations are not applied, so map loads read `0` and calls
    /// into other functions still hold LLVM's section-relative immediates (`call -0x1`).
    /// Every instruction field and every jump target is validated; call targets are not,
    /// since they name other functions until relocations are applied.
    public var program: Program
    /// The relocations that patch this function, in offset order (offsets section-relative).
    public var relocations: [ObjectRelocation]

    /// True for functions in `.text`: subprograms, not entry points (libbpf's rule).
    public var isSubprogram: Bool { sectionName == ".text" }

    /// The instruction a relocation patches, if it patches one of this function's instructions.
    public func instructionIndex(of relocation: ObjectRelocation) -> Int? {
        guard relocation.sectionIndex == sectionIndex else { return nil }
        let relative = relocation.offset - sectionOffset
        guard relative >= 0, relative % Program.slotByteCount == 0 else { return nil }
        return program.instructionIndex(atSlot: relative / Program.slotByteCount)
    }
}
