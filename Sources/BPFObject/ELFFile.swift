// The low-level ELF64 reader: header, section header table, section names, and on request
// the symbol table and relocation sections. It never trusts an offset or a size:
//
//   file bytes  [ ELF header | contents ... | section header table ]
//                  e_shoff ───────────────────────────────►│
//   each header: sh_offset + sh_size must lie inside the file (unless SHT_NOBITS/SHT_NULL);
//   sh_link / sh_info / e_shstrndx must name existing sections of the right type;
//   each name / symbol / relocation entry is checked before it is used.
//
// Everything that fails is an `ObjectError` naming the section, the entry and the byte
// offset in the file; nothing here traps on input.

/// A validated ELF64 little-endian BPF relocatable object, at the level of sections.
public struct ELFFile: Sendable {
    /// The whole file.
    public let bytes: [UInt8]
    public let header: ELFHeader
    /// Every section header, in table order (index 0 is the null section).
    public let sections: [ELFSection]
    /// Index of the section name string table, or nil if the object has none.
    public let sectionNameTableIndex: Int?

    /// Reads the header and the section header table, resolves section names and checks
    /// that every section's contents lie inside `bytes`.
    public init(bytes: [UInt8]) throws(ObjectError) {
        self.bytes = bytes
        header = try ELFHeader(bytes: bytes)
        guard header.sectionHeaderOffset != 0 else { throw ObjectError(byteOffset: 40, .noSectionHeaders) }
        guard header.sectionHeaderEntrySize == ELFSection.headerByteCount else {
            throw ObjectError(byteOffset: 58, .badSectionHeaderEntrySize(header.sectionHeaderEntrySize))
        }
        let tableOffset = header.sectionHeaderOffset
        let entrySize = UInt64(ELFSection.headerByteCount)
        // e_shnum == 0 with a table present: the real count is section 0's sh_size (gABI).
        var count = UInt64(header.storedSectionCount)
        if count == 0 {
            guard let first = bytes.range(offset: tableOffset, count: entrySize) else {
                throw ObjectError(
                    byteOffset: 40, .sectionHeadersOutOfFile(offset: tableOffset, count: 1, fileSize: bytes.count))
            }
            count = bytes.u64(at: first.lowerBound + 32)
            guard count > 0 else { throw ObjectError(byteOffset: 60, .noSectionHeaders) }
        }
        let (tableSize, overflow) = count.multipliedReportingOverflow(by: entrySize)
        guard !overflow, let table = bytes.range(offset: tableOffset, count: tableSize) else {
            throw ObjectError(
                byteOffset: 40, .sectionHeadersOutOfFile(offset: tableOffset, count: count, fileSize: bytes.count))
        }

        var sections = [ELFSection]()
        sections.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let at = table.lowerBound + index * ELFSection.headerByteCount
            sections.append(
                ELFSection(
                    index: index, name: "", nameOffset: bytes.u32(at: at), type: bytes.u32(at: at + 4),
                    flags: bytes.u64(at: at + 8), offset: bytes.u64(at: at + 24), size: bytes.u64(at: at + 32),
                    link: bytes.u32(at: at + 40), info: bytes.u32(at: at + 44), alignment: bytes.u64(at: at + 48),
                    entrySize: bytes.u64(at: at + 56), headerOffset: at))
        }
        for section in sections where section.hasContents {
            guard bytes.range(offset: section.offset, count: section.size) != nil else {
                throw ObjectError(
                    sectionIndex: section.index, byteOffset: section.headerOffset + 24,
                    .contentsOutOfFile(offset: section.offset, size: section.size, fileSize: bytes.count))
            }
        }

        // e_shstrndx == SHN_XINDEX: the real index is section 0's sh_link (gABI).
        var nameTable = header.storedSectionNameTableIndex
        if nameTable == 0xffff { nameTable = Int(sections[0].link) }
        guard nameTable < sections.count else {
            throw ObjectError(
                byteOffset: 62,
                .sectionIndexOutOfRange(
                    field: "e_shstrndx", index: UInt64(nameTable), sectionCount: sections.count))
        }
        if nameTable != 0 {
            guard sections[nameTable].type == ELFSection.typeStringTable else {
                throw ObjectError(
                    byteOffset: 62,
                    .wrongLinkedSectionType(
                        field: "e_shstrndx", index: nameTable, expected: "SHT_STRTAB", actual: sections[nameTable].type)
                )
            }
            for index in sections.indices {
                do {
                    sections[index].name = try Self.string(
                        in: bytes, table: sections[nameTable], at: sections[index].nameOffset)
                } catch {
                    throw ObjectError(sectionIndex: index, byteOffset: sections[index].headerOffset, error.reason)
                }
            }
        }
        self.sections = sections
        self.sectionNameTableIndex = nameTable == 0 ? nil : nameTable
    }

    /// The bytes of `section` (empty for SHT_NOBITS and SHT_NULL).
    public func contents(of section: ELFSection) -> ArraySlice<UInt8> {
        bytes[section.fileRange]
    }

    /// The first section called `name`.
    public func section(named name: String) -> ELFSection? {
        sections.first { $0.name == name }
    }

    /// The symbol table (SHT_SYMTAB; a relocatable object has at most one).
    public var symbolTable: ELFSection? {
        sections.first { $0.type == ELFSection.typeSymbolTable }
    }

    /// The NUL-terminated string at `offset` in the string table section `table`.
    public func string(inTable table: ELFSection, at offset: UInt32) throws(ObjectError) -> String {
        do { return try Self.string(in: bytes, table: table, at: offset) } catch { throw error.located(in: table) }
    }

    static func string(in bytes: [UInt8], table: ELFSection, at offset: UInt32) throws(ObjectError) -> String {
        let range = table.fileRange
        guard UInt64(offset) < UInt64(range.count) else {
            throw ObjectError(.nameOutOfRange(offset: offset, tableSize: range.count))
        }
        let start = range.lowerBound + Int(offset)
        guard let end = bytes[start..<range.upperBound].firstIndex(of: 0) else {
            throw ObjectError(.nameNotTerminated(offset: offset))
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The section that `field` of `section` names, checked to exist and to have `type`.
    func linkedSection(
        _ index: UInt32, field: String, of section: ELFSection, type: UInt32,
        typeName: String
    ) throws(ObjectError) -> ELFSection {
        let fieldOffset = section.headerOffset + (field == "sh_link" ? 40 : 44)
        guard Int(index) < sections.count, index != 0 else {
            throw ObjectError(
                sectionIndex: section.index, sectionName: section.name, byteOffset: fieldOffset,
                .sectionIndexOutOfRange(field: field, index: UInt64(index), sectionCount: sections.count))
        }
        let linked = sections[Int(index)]
        guard linked.type == type else {
            throw ObjectError(
                sectionIndex: section.index, sectionName: section.name, byteOffset: fieldOffset,
                .wrongLinkedSectionType(field: field, index: Int(index), expected: typeName, actual: linked.type))
        }
        return linked
    }

    /// Checks that `section` holds whole `entrySize`-byte entries and says so in its header.
    func entryCount(of section: ELFSection, entrySize: Int) throws(ObjectError) -> Int {
        guard section.entrySize == UInt64(entrySize) else {
            throw ObjectError(
                byteOffset: section.headerOffset + 56,
                .badEntrySize(expected: entrySize, actual: section.entrySize)
            ).located(in: section)
        }
        guard section.size % UInt64(entrySize) == 0 else {
            throw ObjectError(
                byteOffset: section.headerOffset + 32,
                .sizeNotMultipleOfEntry(size: section.size, entrySize: entrySize)
            ).located(in: section)
        }
        return Int(section.size) / entrySize
    }
}

// MARK: - Symbols

extension ELFFile {
    /// Every entry of the symbol table (empty if the object has none), names resolved and
    /// section indices checked.
    public func symbols() throws(ObjectError) -> [ELFSymbol] {
        guard let table = symbolTable else { return [] }
        return try symbols(in: table)
    }

    /// The entries of the symbol table section `table`.
    public func symbols(in table: ELFSection) throws(ObjectError) -> [ELFSymbol] {
        let count = try entryCount(of: table, entrySize: ELFSymbol.entryByteCount)
        let strings = try linkedSection(
            table.link, field: "sh_link", of: table, type: ELFSection.typeStringTable,
            typeName: "SHT_STRTAB")
        var symbols = [ELFSymbol]()
        symbols.reserveCapacity(count)
        for index in 0..<count {
            let at = table.fileRange.lowerBound + index * ELFSymbol.entryByteCount
            let entry = "symbol \(index)"
            let nameOffset = bytes.u32(at: at)
            let name: String
            do { name = try Self.string(in: bytes, table: strings, at: nameOffset) } catch {
                throw ObjectError(byteOffset: at, error.reason).located(in: table, entry: entry)
            }
            let sectionIndex = bytes.u16(at: at + 6)
            // Indices from 0xff00 up are reserved (SHN_ABS, SHN_COMMON, ...), not sections.
            if sectionIndex < 0xff00, Int(sectionIndex) >= sections.count {
                throw ObjectError(
                    byteOffset: at + 6,
                    .sectionIndexOutOfRange(
                        field: "st_shndx", index: UInt64(sectionIndex), sectionCount: sections.count)
                ).located(in: table, entry: entry)
            }
            symbols.append(
                ELFSymbol(
                    index: index, name: name, nameOffset: nameOffset, info: bytes.u8(at: at + 4),
                    other: bytes.u8(at: at + 5), sectionIndex: sectionIndex, value: bytes.u64(at: at + 8),
                    size: bytes.u64(at: at + 16), entryOffset: at))
        }
        return symbols
    }
}

// MARK: - Relocations

extension ELFFile {
    /// Every SHT_REL and SHT_RELA section, entries checked: symbol in range, known BPF type,
    /// patched bytes inside the patched section, instruction relocations on 8-byte boundaries.
    public func relocationSections() throws(ObjectError) -> [ELFRelocationSection] {
        var result = [ELFRelocationSection]()
        for section in sections
        where section.type == ELFSection.typeRelocations || section.type == ELFSection.typeRelocationsWithAddends {
            result.append(try relocationSection(section))
        }
        return result
    }

    /// The entries of one relocation section.
    public func relocationSection(_ section: ELFSection) throws(ObjectError) -> ELFRelocationSection {
        let hasAddends = section.type == ELFSection.typeRelocationsWithAddends
        let entrySize = hasAddends ? 24 : 16
        let count = try entryCount(of: section, entrySize: entrySize)
        let symbolTable = try linkedSection(
            section.link, field: "sh_link", of: section,
            type: ELFSection.typeSymbolTable, typeName: "SHT_SYMTAB")
        guard Int(section.info) < sections.count, section.info != 0 else {
            throw ObjectError(
                byteOffset: section.headerOffset + 44,
                .sectionIndexOutOfRange(
                    field: "sh_info", index: UInt64(section.info), sectionCount: sections.count)
            ).located(in: section)
        }
        let target = sections[Int(section.info)]
        guard target.hasContents else {
            throw ObjectError(byteOffset: section.headerOffset + 44, .relocatesEmptySection(type: target.type)).located(
                in: section)
        }
        let symbolCount = Int(symbolTable.size / UInt64(ELFSymbol.entryByteCount))

        var relocations = [ELFRelocation]()
        relocations.reserveCapacity(count)
        for index in 0..<count {
            let at = section.fileRange.lowerBound + index * entrySize
            let entry = "relocation \(index)"
            let offset = bytes.u64(at: at)
            let info = bytes.u64(at: at + 8)
            let symbolIndex = info >> 32
            let type = UInt32(truncatingIfNeeded: info)
            guard symbolIndex < UInt64(symbolCount) else {
                throw ObjectError(byteOffset: at, .symbolIndexOutOfRange(index: symbolIndex, count: symbolCount))
                    .located(in: section, entry: entry)
            }
            guard let bpfType = BPFRelocationType(rawValue: type) else {
                throw ObjectError(byteOffset: at, .unknownRelocationType(type)).located(in: section, entry: entry)
            }
            let (end, overflow) = offset.addingReportingOverflow(UInt64(bpfType.patchedByteCount))
            guard !overflow, end <= target.size else {
                throw ObjectError(
                    byteOffset: at,
                    .relocationOutOfSection(
                        offset: offset, byteCount: bpfType.patchedByteCount, sectionSize: Int(target.size))
                )
                .located(in: section, entry: entry)
            }
            guard !bpfType.patchesInstruction || offset % UInt64(8) == 0 else {
                throw ObjectError(byteOffset: at, .relocationNotOnInstruction(offset: offset)).located(
                    in: section, entry: entry)
            }
            relocations.append(
                ELFRelocation(
                    index: index, offset: offset, symbolIndex: Int(symbolIndex), type: type,
                    addend: hasAddends ? Int64(bitPattern: bytes.u64(at: at + 16)) : nil, entryOffset: at))
        }
        return ELFRelocationSection(
            sectionIndex: section.index, targetSectionIndex: target.index,
            symbolTableIndex: symbolTable.index, relocations: relocations)
    }
}
