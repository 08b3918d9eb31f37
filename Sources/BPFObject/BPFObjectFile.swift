import BPFISA

// The high-level view of a BPF object file, as `clang -target bpf -c` writes it:
//
//   section tc        programs: STT_FUNC symbols give name, offset and size of each
//   section .text     subprograms (static __noinline functions), reached by `call` + R_BPF_64_32
//   section .reltc    relocations patching `tc` (kept raw here; LoadedObject applies them)
//   section license   "GPL\0"
//   .symtab/.strtab   symbols;  .BTF/.BTF.ext, .debug_*  (read by later stages)
//
// Everything is validated when the object is opened; no accessor throws afterwards.

/// A BPF ELF object: its programs, license, sections, symbols and raw relocations.
public struct BPFObjectFile: Sendable {
    /// The low-level reader underneath (every section, header field and byte).
    public let elf: ELFFile
    /// Every section, in table order.
    public var sections: [ObjectSection]
    /// Every function of every executable section, in section order then offset order.
    public var programs: [ObjectProgram]
    /// The contents of the `license` section up to its first NUL, if there is one.
    public var license: String?
    /// The symbol table (empty if the object has none).
    public var symbols: [ELFSymbol]
    /// Every relocation section, with its entries.
    public var relocationSections: [ELFRelocationSection]
    /// Every relocation of every section, resolved to symbol names, in section and offset order.
    public var relocations: [ObjectRelocation]

    /// Parses and validates `bytes`, an ELF64 little-endian BPF relocatable object.
    public init(bytes: [UInt8]) throws(ObjectError) {
        let elf = try ELFFile(bytes: bytes)
        self.elf = elf
        sections = elf.sections.map { ObjectSection($0, contents: elf.contents(of: $0)) }
        symbols = try elf.symbols()
        relocationSections = try elf.relocationSections()
        relocations = Self.resolve(relocationSections, symbols: symbols, sections: elf.sections)
        license = elf.section(named: "license").map { section in
            let contents = elf.contents(of: section)
            return String(decoding: contents.prefix { $0 != 0 }, as: UTF8.self)
        }
        programs = []
        for section in elf.sections where ObjectSection.kind(of: section) == .code && section.size > 0 {
            programs += try Self.programs(in: section, elf: elf, symbols: symbols, relocations: relocations)
        }
    }

    /// True if `bytes` starts with the ELF magic number: the file claims to be an object
    /// (whether it is a valid one is for ``init(bytes:)`` to say).
    public static func isELF(_ bytes: [UInt8]) -> Bool { ELFHeader.hasMagic(bytes) }

    /// The first program called `name` (function name, or section name for sections without
    /// function symbols).
    public func program(named name: String) -> ObjectProgram? { programs.first { $0.name == name } }

    private static func resolve(
        _ relocationSections: [ELFRelocationSection], symbols: [ELFSymbol],
        sections: [ELFSection]
    ) -> [ObjectRelocation] {
        var result = [ObjectRelocation]()
        for relocationSection in relocationSections {
            for relocation in relocationSection.relocations.sorted(by: { $0.offset < $1.offset }) {
                // Relocation sections linked to a second symbol table are not made by clang;
                // their symbols are only checked for range (by ELFFile), not named here.
                let symbol = relocation.symbolIndex < symbols.count ? symbols[relocation.symbolIndex] : nil
                var name = symbol?.name ?? ""
                if let symbol, name.isEmpty, symbol.type == ELFSymbol.typeSection,
                    Int(symbol.sectionIndex) < sections.count
                {
                    name = sections[Int(symbol.sectionIndex)].name
                }
                result.append(
                    ObjectRelocation(
                        relocationSectionIndex: relocationSection.sectionIndex,
                        sectionIndex: relocationSection.targetSectionIndex, offset: Int(relocation.offset),
                        type: relocation.type, symbolIndex: relocation.symbolIndex, symbolName: name,
                        symbolSectionIndex: symbol?.sectionIndex ?? 0, symbolValue: symbol?.value ?? 0,
                        addend: relocation.addend, index: relocation.index, entryOffset: relocation.entryOffset))
            }
        }
        return result
    }
}

// MARK: - Programs

extension BPFObjectFile {
    /// The functions of the executable section `section`: one per STT_FUNC symbol defined in
    /// it (a zero `st_size` extends to the next function or the section end), or the whole
    /// section when it has none.
    static func programs(
        in section: ELFSection, elf: ELFFile, symbols: [ELFSymbol],
        relocations: [ObjectRelocation]
    ) throws(ObjectError) -> [ObjectProgram] {
        let sectionSize = Int(section.size)
        guard sectionSize % Program.slotByteCount == 0 else {
            throw ObjectError(
                byteOffset: section.headerOffset + 32,
                .programSizeNotMultipleOfSlot(byteCount: sectionSize)
            ).located(in: section)
        }
        let functions =
            symbols
            .filter { $0.isFunction && Int($0.sectionIndex) == section.index }
            .sorted { ($0.value, $0.index) < ($1.value, $1.index) }

        var ranges = [(name: String, start: Int, end: Int)]()
        if functions.isEmpty {
            ranges.append((section.name, 0, sectionSize))
        }
        for (position, function) in functions.enumerated() {
            let entry = "function \(function.name)"
            guard function.value <= section.size, function.size <= section.size - function.value else {
                throw ObjectError(
                    byteOffset: function.entryOffset,
                    .functionOutOfSection(
                        offset: function.value, size: function.size, sectionSize: sectionSize)
                ).located(in: section, entry: entry)
            }
            let start = Int(function.value)
            var end = start + Int(function.size)
            if function.size == 0 {
                end =
                    functions[(position + 1)...].first { $0.value > function.value }.map { Int($0.value) }
                    ?? sectionSize
            }
            guard start % Program.slotByteCount == 0, end % Program.slotByteCount == 0 else {
                throw ObjectError(
                    byteOffset: function.entryOffset,
                    .functionNotOnInstruction(
                        offset: function.value, size: UInt64(end - start))
                ).located(in: section, entry: entry)
            }
            if let previous = ranges.last, start < previous.end {
                // An alias (same range, another name) adds nothing; a partial overlap is damage.
                if start == previous.start && end == previous.end { continue }
                throw ObjectError(
                    byteOffset: function.entryOffset,
                    .functionsOverlap(
                        previous: previous.name, previousEnd: previous.end)
                ).located(in: section, entry: entry)
            }
            if end > start { ranges.append((function.name, start, end)) }
        }

        let sectionRelocations = relocations.filter { $0.sectionIndex == section.index }
        let contents = elf.contents(of: section)
        var programs = [ObjectProgram]()
        for range in ranges {
            let own = sectionRelocations.filter { $0.offset >= range.start && $0.offset < range.end }
            let bytes = Array(contents[(contents.startIndex + range.start)..<(contents.startIndex + range.end)])
            let program: Program
            do {
                program = try decode(
                    bytes,
                    callRelocationOffsets: Set(
                        own.filter { $0.bpfType == .call32 }
                            .map { $0.offset - range.start }))
            } catch {
                throw ObjectError(
                    byteOffset: Int(section.offset) + range.start + error.slotIndex * Program.slotByteCount,
                    .program(error)
                ).located(in: section, entry: "function \(range.name)")
            }
            programs.append(
                ObjectProgram(
                    sectionIndex: section.index, sectionName: section.name, name: range.name,
                    sectionOffset: range.start, byteCount: range.end - range.start, program: program, relocations: own))
        }
        return programs
    }

    /// Decodes one function with `Program(decoding:)`, except that the targets of local calls
    /// and relocated calls are not checked: until relocations are applied they point into
    /// other functions (or are LLVM's placeholder -1). Their immediates are kept as stored.
    static func decode(_ bytes: [UInt8], callRelocationOffsets: Set<Int>) throws(DecodingError) -> Program {
        var patched = bytes
        var restore = [Int: Int32]()  // slot -> original imm
        var slot = 0
        let slotCount = bytes.count / Program.slotByteCount
        while slot < slotCount {
            let at = slot * Program.slotByteCount
            let opcode = bytes[at]
            let isCall = opcode == 0x85  // BPF_JMP | BPF_CALL | BPF_K
            if isCall && (bytes[at + 1] >> 4 == CallKind.local.rawValue || callRelocationOffsets.contains(at)) {
                restore[slot] = Int32(bitPattern: bytes.u32(at: at + 4))
                // -1 targets the call itself: always in range, so validation passes.
                for index in at + 4..<at + 8 { patched[index] = 0xff }
            }
            slot += opcode == Instruction.loadImmediate64Opcode ? 2 : 1
        }
        let validated = try Program(decoding: patched)
        guard !restore.isEmpty else { return validated }
        var instructions = validated.instructions
        for (slot, imm) in restore {
            if let index = validated.instructionIndex(atSlot: slot) { instructions[index].imm = Int64(imm) }
        }
        return Program(instructions: instructions)
    }
}
