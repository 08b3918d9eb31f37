// One ELF64 symbol table entry (24 bytes):
//
//   0 st_name u32   4 st_info u8 (binding << 4 | type)   5 st_other u8   6 st_shndx u16
//   8 st_value u64  16 st_size u64

/// A symbol, with its name resolved.
public struct ELFSymbol: Hashable, Sendable {
    public static let entryByteCount = 24

    public static let typeNone: UInt8 = 0
    public static let typeObject: UInt8 = 1
    public static let typeFunction: UInt8 = 2
    public static let typeSection: UInt8 = 3
    public static let typeFile: UInt8 = 4

    public static let bindingLocal: UInt8 = 0
    public static let bindingGlobal: UInt8 = 1
    public static let bindingWeak: UInt8 = 2

    /// `st_shndx` values that name no section.
    public static let sectionUndefined: UInt16 = 0
    public static let sectionAbsolute: UInt16 = 0xfff1
    public static let sectionCommon: UInt16 = 0xfff2

    /// Position in the symbol table (relocations refer to symbols by it).
    public var index: Int
    public var name: String
    public var nameOffset: UInt32
    public var info: UInt8
    public var other: UInt8
    /// `st_shndx`: the section the symbol is defined in, or a special value.
    public var sectionIndex: UInt16
    /// For symbols in a relocatable object: byte offset inside the section.
    public var value: UInt64
    public var size: UInt64
    /// File offset of this entry.
    public var entryOffset: Int

    /// `STT_*`: low four bits of `st_info`.
    public var type: UInt8 { info & 0x0f }
    /// `STB_*`: high four bits of `st_info`.
    public var binding: UInt8 { info >> 4 }
    public var isFunction: Bool { type == Self.typeFunction }
}
