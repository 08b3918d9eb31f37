/// A section of a BPF object as the loader sees it.
public struct ObjectSection: Hashable, Sendable {
    /// What a section is for, by its flags, type and name (libbpf's conventions).
    public enum Kind: Hashable, Sendable {
        /// Executable code: programs, or `.text` subprograms.
        case code
        /// The `license` string.
        case license
        /// `.maps` / `maps`: map definitions.
        case maps
        /// `.BTF` / `.BTF.ext`: type and line information.
        case typeInformation
        /// `.data`, `.rodata*`, `.bss`: global variables.
        case data
        /// SHT_REL / SHT_RELA.
        case relocations
        /// SHT_SYMTAB.
        case symbolTable
        /// SHT_STRTAB.
        case stringTable
        /// Anything else (DWARF, `.llvm_addrsig`, the null section).
        case other
    }

    public var index: Int
    public var name: String
    public var kind: Kind
    /// The raw header.
    public var header: ELFSection
    /// The contents (empty for SHT_NOBITS and SHT_NULL).
    public var contents: ArraySlice<UInt8>

    init(_ header: ELFSection, contents: ArraySlice<UInt8>) {
        self.index = header.index
        self.name = header.name
        self.header = header
        self.contents = contents
        self.kind = Self.kind(of: header)
    }

    static func kind(of header: ELFSection) -> Kind {
        switch header.type {
        case ELFSection.typeRelocations, ELFSection.typeRelocationsWithAddends: return .relocations
        case ELFSection.typeSymbolTable: return .symbolTable
        case ELFSection.typeStringTable: return .stringTable
        default: break
        }
        if header.type == ELFSection.typeProgBits && header.isExecutable { return .code }
        switch header.name {
        case "license": return .license
        case "maps", ".maps": return .maps
        case ".BTF", ".BTF.ext": return .typeInformation
        case ".data", ".bss", ".rodata": return .data
        default:
            if header.name.hasPrefix(".data.") || header.name.hasPrefix(".rodata.") || header.name.hasPrefix(".bss.") {
                return .data
            }
            return .other
        }
    }
}
