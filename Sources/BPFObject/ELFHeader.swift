// The ELF64 file header (System V gABI, "ELF Header"), the first 64 bytes:
//
//   0  e_ident[16]: 7f 'E' 'L' 'F' | class | data | version | osabi | abiversion | pad[7]
//  16  e_type u16   18 e_machine u16   20 e_version u32   24 e_entry u64
//  32  e_phoff u64  40 e_shoff u64     48 e_flags u32     52 e_ehsize u16
//  54  e_phentsize  56 e_phnum         58 e_shentsize     60 e_shnum    62 e_shstrndx (u16 each)
//
// Accepted: ELFCLASS64, little-endian, EV_CURRENT, ELFOSABI_NONE, ET_REL, EM_BPF — what
// `clang -target bpf -c` writes. uBPF refuses the same set (its tests/elf vectors).

/// The fields of an ELF64 header this reader uses, after validation.
public struct ELFHeader: Hashable, Sendable {
    public static let byteCount = 64
    public static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]

    public static let classELF64: UInt8 = 2
    public static let dataLittleEndian: UInt8 = 1
    public static let versionCurrent: UInt8 = 1
    public static let osABINone: UInt8 = 0
    public static let typeRelocatable: UInt16 = 1
    public static let machineBPF: UInt16 = 247

    public var type: UInt16
    public var machine: UInt16
    public var flags: UInt32
    /// File offset of the section header table.
    public var sectionHeaderOffset: UInt64
    /// Size of one section header entry (64 for ELF64).
    public var sectionHeaderEntrySize: Int
    /// `e_shnum` as stored; 0 with a non-zero table offset means "see section 0's `sh_size`".
    public var storedSectionCount: Int
    /// `e_shstrndx` as stored; `0xffff` (SHN_XINDEX) means "see section 0's `sh_link`".
    public var storedSectionNameTableIndex: Int

    /// Parses and checks the header of `bytes`.
    public init(bytes: [UInt8]) throws(ObjectError) {
        guard bytes.count >= Self.byteCount else {
            if bytes.count >= 4, Array(bytes[0..<4]) != Self.magic { throw ObjectError(.notELF) }
            throw ObjectError(.truncatedHeader(byteCount: bytes.count))
        }
        guard Array(bytes[0..<4]) == Self.magic else { throw ObjectError(byteOffset: 0, .notELF) }
        guard bytes[4] == Self.classELF64 else { throw ObjectError(byteOffset: 4, .wrongClass(bytes[4])) }
        guard bytes[5] == Self.dataLittleEndian else { throw ObjectError(byteOffset: 5, .wrongByteOrder(bytes[5])) }
        guard bytes[6] == Self.versionCurrent else { throw ObjectError(byteOffset: 6, .wrongVersion(UInt32(bytes[6]))) }
        guard bytes[7] == Self.osABINone else { throw ObjectError(byteOffset: 7, .wrongOSABI(bytes[7])) }
        type = bytes.u16(at: 16)
        guard type == Self.typeRelocatable else { throw ObjectError(byteOffset: 16, .wrongType(type)) }
        machine = bytes.u16(at: 18)
        guard machine == Self.machineBPF else { throw ObjectError(byteOffset: 18, .wrongMachine(machine)) }
        let version = bytes.u32(at: 20)
        guard version == UInt32(Self.versionCurrent) else { throw ObjectError(byteOffset: 20, .wrongVersion(version)) }
        sectionHeaderOffset = bytes.u64(at: 40)
        flags = bytes.u32(at: 48)
        sectionHeaderEntrySize = Int(bytes.u16(at: 58))
        storedSectionCount = Int(bytes.u16(at: 60))
        storedSectionNameTableIndex = Int(bytes.u16(at: 62))
    }

    /// True if `bytes` starts with the ELF magic number (whatever follows).
    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == magic
    }
}
