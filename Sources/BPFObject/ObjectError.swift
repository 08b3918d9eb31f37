public import BPFABI
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
        // BTF (.BTF and .BTF.ext)
        case btfTooShort(byteCount: Int)
        case btfBadMagic(UInt16)
        case btfBadVersion(UInt8)
        case btfBadHeaderLength(UInt32, byteCount: Int)
        case btfPartOutOfRange(part: String, offset: UInt32, length: UInt32, available: Int)
        case btfPartMisaligned(part: String, offset: UInt32)
        case btfBadLayout(typeEnd: Int, stringStart: Int)
        case btfBadStringTable
        case btfTruncatedType(kind: String?, needed: Int, available: Int)
        case btfUnknownKind(Int)
        case btfTypeOutOfRange(referenced: Int, count: Int)
        case btfTruncatedRecord(what: String, needed: Int, available: Int)
        case btfBadRecordSize(part: String, size: Int, minimum: Int)
        case btfEmptyInfoSection(part: String)
        case btfInstructionOffsetNotAligned(UInt32)
        case btfFunctionInfoNotFunction(typeID: Int, kind: String?)
        case btfInfoForNonCodeSection(part: String, section: String)
        case btfInfoOutOfSection(part: String, offset: Int, sectionSize: Int)
        case btfInfoInsideLoadImmediate(part: String, offset: Int)
        case btfMissing(neededBy: String)
        case btfNoDataSection(String)
        // Maps
        case mapNotVariable(kind: String)
        case mapNotStruct(map: String, found: String)
        case mapAttributeNotInteger(map: String, attribute: String, found: String)
        case mapTypeAttributeNotPointer(map: String, attribute: String, found: String)
        case mapUnsizedType(map: String, attribute: String, type: String)
        case mapConflictingSize(map: String, attribute: String, declared: UInt32, ofType: Int)
        case mapMissingType(map: String)
        case mapWithoutSymbol(map: String)
        case mapDefinitionOutOfSection(map: String, offset: UInt64, sectionSize: Int)
        case legacyMapsSizeNotMultiple(byteCount: Int, mapCount: Int)
        case dataSectionTooLarge(UInt64)
        case mapDefinition(MapDefinitionError)
        case mapSlotOutsideValues(offset: Int)
        case mapSlotNotProgram(map: String, slot: Int, symbol: String)
        // Linking: relocations of code, bpf-to-bpf calls
        case relocationUndefinedSymbol(symbol: String)
        case relocationSymbolNotLinkable(symbol: String, section: String)
        case relocationNoMap(symbol: String, section: String, offset: Int64)
        case relocationDataOffsetOutOfRange(symbol: String, section: String, offset: Int64, sectionSize: Int)
        case relocationWrongInstruction(opcode: UInt8, offset: Int)
        case relocationWrongType(type: UInt32, expected: String)
        case relocationInsideLoadImmediate(offset: Int)
        case relocationDuplicate(offset: Int)
        case relocationCallNotLocal(source: UInt8)
        case callTargetNotCode(symbol: String, section: String)
        case callTargetOutOfSection(section: String, offset: Int64, sectionSize: Int)
        case callTargetMisaligned(section: String, offset: Int64)
        case externalFunctionCall(symbol: String)

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
            case .btfTooShort(let n): "\(n) bytes are too few for a BTF header (24 bytes)"
            case .btfBadMagic(let m): "BTF magic \(hex(m)) is not 0xeb9f"
            case .btfBadVersion(let v): "BTF version \(v) is not 1"
            case .btfBadHeaderLength(let length, let n):
                "BTF header length \(length) is not between 24 and the data size (\(n) bytes)"
            case .btfPartOutOfRange(let part, let offset, let length, let available):
                "\(part) (\(length) bytes at \(hex(offset)) after the header) extends past the data "
                    + "(\(available) bytes after the header)"
            case .btfPartMisaligned(let part, let offset): "\(part) offset \(hex(offset)) is not a multiple of 4"
            case .btfBadLayout(let typeEnd, let stringStart):
                "the type section (ending at \(hex(typeEnd))) must end before the string section "
                    + "(starting at \(hex(stringStart)))"
            case .btfBadStringTable: "the string section must be non-empty and start and end with a NUL byte"
            case .btfTruncatedType(let kind, let needed, let available):
                "\(kind.map { "a \($0) record" } ?? "a type record") needs \(needed) bytes, "
                    + "only \(available) remain in the type section"
            case .btfUnknownKind(let k): "unknown BTF kind \(k)"
            case .btfTypeOutOfRange(let referenced, let count):
                "refers to type \(referenced), but the BTF has types 0...\(count - 1)"
            case .btfTruncatedRecord(let what, let needed, let available):
                "\(what) needs \(needed) bytes, only \(available) remain"
            case .btfBadRecordSize(let part, let size, let minimum):
                "\(part) record size \(size) is below \(minimum) or not a multiple of 4"
            case .btfEmptyInfoSection(let part): "\(part) section entry has no records"
            case .btfInstructionOffsetNotAligned(let offset):
                "instruction offset \(hex(offset)) is not a multiple of 8"
            case .btfFunctionInfoNotFunction(let id, let kind):
                kind.map { "type \(id) is a \($0), not a FUNC" } ?? "type \(id) does not exist"
            case .btfInfoForNonCodeSection(let part, let section):
                "\(part) describes section '\(section)', which is not a code section of this object"
            case .btfInfoOutOfSection(let part, let offset, let size):
                "\(part) instruction offset \(hex(offset)) is past the end of its section (\(size) bytes)"
            case .btfInfoInsideLoadImmediate(let part, let offset):
                "\(part) instruction offset \(hex(offset)) is the second half of an lddw"
            case .btfMissing(let section): "the \(section) section needs .BTF to describe it, and there is none"
            case .btfNoDataSection(let name): "the BTF has no DATASEC named \(name)"
            case .mapNotVariable(let kind): "DATASEC entry is a \(kind), not a VAR"
            case .mapNotStruct(let map, let found): "map '\(map)': its type is \(found), not a struct"
            case .mapAttributeNotInteger(let map, let attribute, let found):
                "map '\(map)': attribute '\(attribute)' is not __uint(\(attribute), N) "
                    + "(a pointer to an array of N): found \(found)"
            case .mapTypeAttributeNotPointer(let map, let attribute, let found):
                "map '\(map)': attribute '\(attribute)' is not __type(\(attribute), T) (a pointer to T): found \(found)"
            case .mapUnsizedType(let map, let attribute, let type):
                "map '\(map)': the \(attribute) type \(type) has no size"
            case .mapConflictingSize(let map, let attribute, let declared, let ofType):
                "map '\(map)': \(attribute)_size \(declared) conflicts with the \(attribute) type's size \(ofType)"
            case .mapMissingType(let map): "map '\(map)': no 'type' attribute"
            case .mapWithoutSymbol(let map): "map '\(map)' has no ELF symbol in its section"
            case .mapDefinitionOutOfSection(let map, let offset, let size):
                "map '\(map)': its definition at \(hex(offset)) is outside the section (\(size) bytes)"
            case .legacyMapsSizeNotMultiple(let n, let count):
                "\(n) bytes cannot hold \(count) map definitions of one size"
            case .dataSectionTooLarge(let n): "\(n) bytes is too large for one map value"
            case .mapDefinition(let error): error.description
            case .mapSlotOutsideValues(let offset):
                "relocation at \(hex(offset)) is not in the 'values' array of a prog array map"
            case .mapSlotNotProgram(let map, let slot, let symbol):
                "map '\(map)': values[\(slot)] = '\(symbol)', which is not a program of this object"
            case .relocationUndefinedSymbol(let symbol):
                "symbol '\(symbol)' is undefined (an extern: kconfig and ksym variables are not supported)"
            case .relocationSymbolNotLinkable(let symbol, let section):
                "symbol '\(symbol)' is in section '\(section)', which holds no maps, global data or code"
            case .relocationNoMap(let symbol, let section, let offset):
                "symbol '\(symbol)': no map starts at offset \(hex(offset)) of section '\(section)'"
            case .relocationDataOffsetOutOfRange(let symbol, let section, let offset, let size):
                "symbol '\(symbol)': offset \(hex(offset)) is outside section '\(section)' (\(size) bytes)"
            case .relocationWrongInstruction(let opcode, let offset):
                "patches the instruction at \(hex(offset)) (opcode \(hex(opcode))), which is neither an lddw nor a call"
            case .relocationWrongType(let type, let expected):
                "relocation type \(type) cannot patch this instruction (\(expected) expected)"
            case .relocationInsideLoadImmediate(let offset):
                "patches offset \(hex(offset)), the second half of an lddw"
            case .relocationDuplicate(let offset): "a second relocation patches the instruction at \(hex(offset))"
            case .relocationCallNotLocal(let source):
                "the relocated call has src \(source), not BPF_PSEUDO_CALL (1)"
            case .callTargetNotCode(let symbol, let section):
                "call or function address of '\(symbol)' in section '\(section)', which is not code"
            case .callTargetOutOfSection(let section, let offset, let size):
                "call target \(hex(offset)) is outside section '\(section)' (\(size) bytes)"
            case .callTargetMisaligned(let section, let offset):
                "function address \(hex(offset)) in section '\(section)' is not on an instruction (a multiple of 8)"
            case .externalFunctionCall(let symbol):
                "call to extern function '\(symbol)' (a kfunc): not supported"
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
