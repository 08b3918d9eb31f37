/// One relocation, raw (not applied), with its symbol resolved to a name.
///
/// For a call (`R_BPF_64_32`) against a section symbol the callee is at byte
/// `symbolValue + (imm + 1) * 8` of the symbol's section (LLVM's encoding of unresolved
/// bpf-to-bpf calls); for an lddw (`R_BPF_64_64`) the symbol names a map or a global.
public struct ObjectRelocation: Hashable, Sendable {
    /// The SHT_REL/SHT_RELA section holding the entry.
    public var relocationSectionIndex: Int
    /// The section patched.
    public var sectionIndex: Int
    /// Byte offset of the patched place inside that section.
    public var offset: Int
    /// Raw relocation type (see ``BPFRelocationType``).
    public var type: UInt32
    public var symbolIndex: Int
    /// The symbol's name, or for a section symbol the section's name (as objdump prints it).
    public var symbolName: String
    /// `st_shndx` of the symbol: 0 for an undefined (extern) symbol.
    public var symbolSectionIndex: UInt16
    public var symbolValue: UInt64
    /// SHT_RELA's explicit addend, nil for SHT_REL.
    public var addend: Int64?
    /// Position of the entry in its relocation section (`relocation 3` in errors).
    public var index: Int = 0
    /// File offset of the entry.
    public var entryOffset: Int = 0

    public var bpfType: BPFRelocationType? { BPFRelocationType(rawValue: type) }
}
