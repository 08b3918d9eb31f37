public import BPFISA

/// Why an ELF object cannot be read, located like a linker would: the section, the entry
/// inside it, and the byte offset in the file of the field or entry at fault.
///
/// ```
/// section 5 (.rel.text): relocation 3 at byte offset 0x1a8: symbol index 99 out of range (the symbol table has 12)
/// ELF header at byte offset 0x12: machine 1 is not BPF (247)
/// ```
/// Every reason is a case of ``Reason``; its wording lives in ``Reason/description`` only.
public struct ObjectError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The section at fault, when there is one.
    public var sectionIndex: Int?
    /// Its name, when the section name table could be read.
    public var sectionName: String?
    /// The entry inside the section: `"relocation 3"`, `"symbol 7"`, `"function drop_icmp"`.
    public var entry: String?
    /// Byte offset in the file of the bad field, entry or data.
    public var byteOffset: Int?
    public var reason: Reason

    public init(
        sectionIndex: Int? = nil, sectionName: String? = nil, entry: String? = nil,
        byteOffset: Int? = nil, _ reason: Reason
    ) {
        self.sectionIndex = sectionIndex
        self.sectionName = sectionName
        self.entry = entry
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// The same error, located in `section`.
    func located(in section: ELFSection, entry: String? = nil) -> ObjectError {
        var located = self
        located.sectionIndex = section.index
        located.sectionName = section.name.isEmpty ? nil : section.name
        if let entry { located.entry = entry }
        return located
    }

    public var description: String {
        let location = [entry, byteOffset.map { "at byte offset \(hex($0))" }].compactMap { $0 }
            .joined(separator: " ")
        guard let sectionIndex else {
            return (location.isEmpty ? "ELF header" : "ELF header \(location)") + ": \(reason)"
        }
        let section = sectionName.map { "section \(sectionIndex) (\($0))" } ?? "section \(sectionIndex)"
        return [section, location, reason.description].filter { !$0.isEmpty }.joined(separator: ": ")
    }

    /// What is wrong.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        // ELF header (e_ident and the fixed fields)
        case truncatedHeader(byteCount: Int)
        case notELF
        case wrongClass(UInt8)
        case wrongByteOrder(UInt8)
        case wrongVersion(UInt32)
        case wrongOSABI(UInt8)
        case wrongType(UInt16)
        case wrongMachine(UInt16)
        // Section header table
        case badSectionHeaderEntrySize(Int)
        case sectionHeadersOutOfFile(offset: UInt64, count: UInt64, fileSize: Int)
        case noSectionHeaders
        // One section
        case sectionIndexOutOfRange(field: String, index: UInt64, sectionCount: Int)
        case wrongLinkedSectionType(field: String, index: Int, expected: String, actual: UInt32)
        case contentsOutOfFile(offset: UInt64, size: UInt64, fileSize: Int)
        case badEntrySize(expected: Int, actual: UInt64)
        case sizeNotMultipleOfEntry(size: UInt64, entrySize: Int)
        case nameOutOfRange(offset: UInt32, tableSize: Int)
        case nameNotTerminated(offset: UInt32)
        // Symbols and relocations
        case symbolIndexOutOfRange(index: UInt64, count: Int)
        case relocationOutOfSection(offset: UInt64, byteCount: Int, sectionSize: Int)
        case relocationNotOnInstruction(offset: UInt64)
        case unknownRelocationType(UInt32)
        case relocatesEmptySection(type: UInt32)
        // Programs
        case programSizeNotMultipleOfSlot(byteCount: Int)
        case functionOutOfSection(offset: UInt64, size: UInt64, sectionSize: Int)
        case functionNotOnInstruction(offset: UInt64, size: UInt64)
        case functionsOverlap(previous: String, previousEnd: Int)
        case program(DecodingError)

        public var description: String {
            switch self {
            case .truncatedHeader(let n):
                "not enough data for an ELF header: \(n) bytes, the ELF64 header needs 64"
            case .notELF: "not an ELF file (bad magic number)"
            case .wrongClass(let c): "class \(c) is not ELFCLASS64 (2)"
            case .wrongByteOrder(let d): "byte order \(d) is not little-endian (ELFDATA2LSB, 1)"
            case .wrongVersion(let v): "ELF version \(v) is not EV_CURRENT (1)"
            case .wrongOSABI(let a): "OS ABI \(a) is not ELFOSABI_NONE (0)"
            case .wrongType(let t): "type \(t) is not a relocatable object (ET_REL, 1)"
            case .wrongMachine(let m): "machine \(m) is not BPF (EM_BPF, 247)"
            case .badSectionHeaderEntrySize(let n): "section header entry size \(n) is not 64"
            case .sectionHeadersOutOfFile(let offset, let count, let size):
                "section header table (\(count) entries of 64 bytes at \(hex(offset))) "
                    + "extends past the end of the file (\(size) bytes)"
            case .noSectionHeaders: "the object has no section headers"
            case .sectionIndexOutOfRange(let field, let index, let count):
                "\(field) \(index) is not a section index (the object has \(count) sections)"
            case .wrongLinkedSectionType(let field, let index, let expected, let actual):
                "\(field) \(index) names a section of type \(sectionTypeName(actual)), not \(expected)"
            case .contentsOutOfFile(let offset, let size, let fileSize):
                "contents (\(size) bytes at \(hex(offset))) extend past the end of the file (\(fileSize) bytes)"
            case .badEntrySize(let expected, let actual): "entry size \(actual), expected \(expected)"
            case .sizeNotMultipleOfEntry(let size, let entrySize):
                "size \(size) is not a multiple of the \(entrySize)-byte entry"
            case .nameOutOfRange(let offset, let tableSize):
                "name offset \(offset) is outside the string table (\(tableSize) bytes)"
            case .nameNotTerminated(let offset): "name at string table offset \(offset) is not NUL-terminated"
            case .symbolIndexOutOfRange(let index, let count):
                "symbol index \(index) out of range (the symbol table has \(count))"
            case .relocationOutOfSection(let offset, let width, let size):
                "relocation at \(hex(offset)) patching \(width) bytes lies outside its section (\(size) bytes)"
            case .relocationNotOnInstruction(let offset):
                "relocation at \(hex(offset)) is not on an instruction boundary (a multiple of 8)"
            case .unknownRelocationType(let type): "unknown BPF relocation type \(type)"
            case .relocatesEmptySection(let type):
                "relocations apply to a section of type \(sectionTypeName(type)), which has no contents"
            case .programSizeNotMultipleOfSlot(let n): "program size \(n) bytes is not a multiple of 8"
            case .functionOutOfSection(let offset, let size, let sectionSize):
                "its \(size) bytes at \(hex(offset)) extend past the end of the section (\(sectionSize) bytes)"
            case .functionNotOnInstruction(let offset, let size):
                "its \(size) bytes at \(hex(offset)) are not whole 8-byte instructions"
            case .functionsOverlap(let previous, let end):
                "it overlaps function \(previous), which ends at \(hex(end))"
            case .program(let error): error.description
            }
        }
    }
}

/// `SHT_*` name of a section type, or its number.
func sectionTypeName(_ type: UInt32) -> String {
    switch type {
    case ELFSection.typeNull: "SHT_NULL"
    case ELFSection.typeProgBits: "SHT_PROGBITS"
    case ELFSection.typeSymbolTable: "SHT_SYMTAB"
    case ELFSection.typeStringTable: "SHT_STRTAB"
    case ELFSection.typeRelocationsWithAddends: "SHT_RELA"
    case ELFSection.typeNoBits: "SHT_NOBITS"
    case ELFSection.typeRelocations: "SHT_REL"
    default: "\(hex(type))"
    }
}

func hex(_ value: some BinaryInteger) -> String {
    value < 0 ? "-0x" + String(value.magnitude, radix: 16) : "0x" + String(value, radix: 16)
}
