// ELF64 relocation entries: SHT_REL (16 bytes: r_offset u64, r_info u64) and SHT_RELA
// (24 bytes: the same plus r_addend i64); r_info = symbol index << 32 | type.
// The BPF relocation types are LLVM's (llvm/BinaryFormat/ELFRelocs/BPF.def) and the kernel's
// Documentation/bpf/llvm_reloc.rst.

/// One relocation entry, raw: nothing is applied here.
public struct ELFRelocation: Hashable, Sendable {
    /// Position in its relocation section.
    public var index: Int
    /// Byte offset, inside the patched section, of the place to patch.
    public var offset: UInt64
    public var symbolIndex: Int
    public var type: UInt32
    /// The explicit addend (SHT_RELA only; SHT_REL keeps it in the patched bytes).
    public var addend: Int64?
    /// File offset of this entry.
    public var entryOffset: Int

    /// The BPF relocation type, if the type number is one.
    public var bpfType: BPFRelocationType? { BPFRelocationType(rawValue: type) }
}

/// The relocation types of the BPF ELF ABI.
public enum BPFRelocationType: UInt32, Sendable, CaseIterable {
    /// R_BPF_NONE.
    case none = 0
    /// R_BPF_64_64: the 64-bit immediate of an lddw (map or global variable address).
    case immediate64 = 1
    /// R_BPF_64_ABS64: a 64-bit data word (DWARF, BTF, data sections).
    case absolute64 = 2
    /// R_BPF_64_ABS32: a 32-bit data word (DWARF, BTF).
    case absolute32 = 3
    /// R_BPF_64_NODYLD32: a 32-bit data word the loader does not touch (.BTF.ext).
    case noDynamicLoad32 = 4
    /// R_BPF_64_32: the 32-bit immediate of a call to a function (bpf-to-bpf call).
    case call32 = 10

    /// How many bytes from the relocation offset the patched place spans.
    public var patchedByteCount: Int {
        switch self {
        case .none: 0
        case .immediate64: 16  // both slots of the lddw
        case .call32: 8  // the call instruction
        case .absolute64: 8
        case .absolute32, .noDynamicLoad32: 4
        }
    }

    /// True for types that patch an instruction (and must sit on an 8-byte boundary).
    public var patchesInstruction: Bool { self == .immediate64 || self == .call32 }
}

/// A relocation section (SHT_REL or SHT_RELA) with its entries.
public struct ELFRelocationSection: Hashable, Sendable {
    /// Index of the relocation section itself.
    public var sectionIndex: Int
    /// Index of the section it patches (`sh_info`).
    public var targetSectionIndex: Int
    /// Index of the symbol table its entries refer to (`sh_link`).
    public var symbolTableIndex: Int
    public var relocations: [ELFRelocation]
}
