// One ELF64 section header (64 bytes):
//
//   0 sh_name u32    4 sh_type u32    8 sh_flags u64   16 sh_addr u64
//  24 sh_offset u64 32 sh_size u64  40 sh_link u32    44 sh_info u32
//  48 sh_addralign u64               56 sh_entsize u64
//
// `ELFFile` checks that every section's contents lie inside the file before building these.

/// A section header, with its name resolved.
public struct ELFSection: Hashable, Sendable {
    public static let headerByteCount = 64

    public static let typeNull: UInt32 = 0
    public static let typeProgBits: UInt32 = 1
    public static let typeSymbolTable: UInt32 = 2
    public static let typeStringTable: UInt32 = 3
    public static let typeRelocationsWithAddends: UInt32 = 4
    public static let typeNoBits: UInt32 = 8
    public static let typeRelocations: UInt32 = 9

    public static let flagWrite: UInt64 = 0x1
    public static let flagAllocate: UInt64 = 0x2
    public static let flagExecutable: UInt64 = 0x4

    /// Position in the section header table.
    public var index: Int
    /// The name from the section name table (empty for section 0).
    public var name: String
    public var nameOffset: UInt32
    public var type: UInt32
    public var flags: UInt64
    /// File offset of the contents (meaningless for SHT_NOBITS and SHT_NULL).
    public var offset: UInt64
    /// Size of the contents in bytes.
    public var size: UInt64
    /// Section index this one depends on (string table of a symbol table, symbol table of
    /// a relocation section).
    public var link: UInt32
    /// Extra index (for relocation sections: the section they patch).
    public var info: UInt32
    public var alignment: UInt64
    public var entrySize: UInt64
    /// File offset of this section's header entry.
    public var headerOffset: Int

    /// True for SHF_EXECINSTR sections: code.
    public var isExecutable: Bool { flags & Self.flagExecutable != 0 }

    /// True if the section occupies bytes in the file.
    public var hasContents: Bool { type != Self.typeNull && type != Self.typeNoBits }

    /// The byte range of the contents in the file (empty when the section has none).
    /// Valid once `ELFFile` has accepted the section.
    public var fileRange: Range<Int> {
        hasContents ? Int(offset)..<Int(offset) + Int(size) : 0..<0
    }
}
