import BPFABI
import BPFISA

// The loader: what libbpf's bpf_object__open() + bpf_object__relocate() do, without the
// syscalls. From a `BPFObjectFile` (sections, symbols, raw relocations, all validated):
//
//   1. .BTF      -> BTF (DATASEC sizes and offsets filled in from the ELF, as libbpf's
//                   btf_fixup_datasec() does: clang leaves them 0)
//   2. .BTF.ext  -> func_info / line_info, checked against the code sections
//   3. maps      -> legacy `maps`, BTF `.maps`, global data: one list, validated like
//                   BPF_MAP_CREATE (MapCollector)
//   4. programs  -> each entry function linked with its callees (ProgramLinker), decoded and
//                   validated, with its line table and function list
//
// A problem anywhere is an ObjectError naming the section, entry and byte offset.

/// A BPF object loaded as libbpf would load it: linked programs, map definitions, BTF.
public struct LoadedObject: Sendable {
    /// The ELF layer underneath.
    public var file: BPFObjectFile
    /// Every entry program (every function of an executable section other than `.text`), in
    /// section then offset order.
    public var programs: [LoadedProgram]
    /// Every map: legacy definitions, BTF definitions, then global data sections. Linked
    /// instructions refer to maps by index into this list.
    public var maps: [ObjectMap]
    /// The `license` section's string. An object without one (or with an empty one) gets
    /// "GPL", as `kernel_oracle.py` passes it to the kernel.
    public var license: String
    /// The parsed `.BTF`, DATASECs completed from the ELF.
    public var btf: BTF?
    /// The parsed `.BTF.ext`.
    public var btfExtension: BTFExtension?

    /// Parses, checks and links the object in `bytes`.
    ///
    /// `cpuCount` sizes perf event arrays declared with `max_entries` 0, as libbpf does.
    public static func load(bytes: [UInt8], cpuCount: Int = 1) throws(ObjectError) -> LoadedObject {
        try LoadedObject(file: BPFObjectFile(bytes: bytes), cpuCount: cpuCount)
    }

    /// Loads an already-read object (see ``load(bytes:cpuCount:)``).
    public init(file: BPFObjectFile, cpuCount: Int = 1) throws(ObjectError) {
        self.file = file
        license = file.license.flatMap { $0.isEmpty ? nil : $0 } ?? "GPL"

        var btf: BTF?
        if let section = file.elf.section(named: ".BTF"), section.hasContents {
            do { btf = try BTF(file: file.elf.bytes, range: section.fileRange) } catch {
                throw error.located(in: section)
            }
            btf?.completeDataSections(from: file)
        }
        self.btf = btf

        btfExtension = nil
        if let section = file.elf.section(named: ".BTF.ext"), section.hasContents {
            guard let btf else {
                throw ObjectError(byteOffset: section.fileRange.lowerBound, .btfMissing(neededBy: ".BTF.ext"))
                    .located(in: section)
            }
            let ext: BTFExtension
            do { ext = try BTFExtension(file: file.elf.bytes, range: section.fileRange, btf: btf) } catch {
                throw error.located(in: section)
            }
            try Self.check(ext, against: file, section: section)
            btfExtension = ext
        }

        let table = try MapCollector(file: file, btf: btf, cpuCount: cpuCount).collect()
        maps = table.maps

        let relocations = try Self.codeRelocations(of: file)
        var programs = [LoadedProgram]()
        for entry in file.programs where !entry.isSubprogram {
            var linker = ProgramLinker(file: file, maps: table, codeRelocations: relocations)
            let code = try linker.link(entry)
            programs.append(try Self.finish(entry, code, file: file, extension: btfExtension))
        }
        self.programs = programs
    }

    /// The first program called `name`.
    public func program(named name: String) -> LoadedProgram? { programs.first { $0.name == name } }

    /// The programs of section `sectionName`, in offset order.
    public func programs(inSection sectionName: String) -> [LoadedProgram] {
        programs.filter { $0.sectionName == sectionName }
    }

    /// The index of the map called `name` (``ObjectMap/name``).
    public func mapIndex(named name: String) -> Int? { maps.firstIndex { $0.name == name } }

    /// The maps that exist when `program` is loaded on its own, in the order
    /// `kernel_oracle.py` creates them: every declared map (legacy, then BTF), then the
    /// global data maps `program` refers to, in order of first reference. (The oracle creates
    /// a data section's map only when the loaded program uses it.)
    public func mapIndices(visibleTo program: LoadedProgram) -> [Int] {
        let declared = maps.indices.filter { maps[$0].origin != .globalData }
        return declared + program.referencedMaps.filter { maps[$0].origin == .globalData }
    }
}

// MARK: - Steps

extension LoadedObject {
    /// Relocations of executable sections by section and offset; R_BPF_NONE dropped, a second
    /// relocation of one place refused.
    static func codeRelocations(of file: BPFObjectFile) throws(ObjectError) -> [Int: [Int: ObjectRelocation]] {
        var result = [Int: [Int: ObjectRelocation]]()
        for relocation in file.relocations where relocation.bpfType != BPFRelocationType.none {
            let target = file.elf.sections[relocation.sectionIndex]
            guard target.isExecutable && target.type == ELFSection.typeProgBits else { continue }
            if result[relocation.sectionIndex]?[relocation.offset] != nil {
                throw ObjectError(byteOffset: relocation.entryOffset, .relocationDuplicate(offset: relocation.offset))
                    .located(
                        in: file.elf.sections[relocation.relocationSectionIndex],
                        entry: "relocation \(relocation.index)")
            }
            result[relocation.sectionIndex, default: [:]][relocation.offset] = relocation
        }
        return result
    }

    /// Every `.BTF.ext` record must describe an instruction of a code section.
    static func check(_ ext: BTFExtension, against file: BPFObjectFile, section: ELFSection) throws(ObjectError) {
        var records = [(part: String, section: String, offset: Int, recordOffset: Int)]()
        for (name, infos) in ext.functionInfo {
            records += infos.map { ("func_info", name, $0.instructionOffset, $0.recordOffset) }
        }
        for (name, infos) in ext.lineInfo {
            records += infos.map { ("line_info", name, $0.instructionOffset, $0.recordOffset) }
        }
        for record in records.sorted(by: { $0.recordOffset < $1.recordOffset }) {
            let entry = "\(record.part) for \(record.section)"
            guard
                let code = file.elf.sections.first(where: {
                    $0.name == record.section && $0.isExecutable && $0.type == ELFSection.typeProgBits
                })
            else {
                throw ObjectError(
                    byteOffset: record.recordOffset,
                    .btfInfoForNonCodeSection(part: record.part, section: record.section)
                ).located(in: section, entry: entry)
            }
            guard UInt64(record.offset) < code.size else {
                throw ObjectError(
                    byteOffset: record.recordOffset,
                    .btfInfoOutOfSection(part: record.part, offset: record.offset, sectionSize: Int(code.size))
                ).located(in: section, entry: entry)
            }
        }
    }

    /// Decodes and validates linked code, and attaches functions and source lines.
    static func finish(
        _ entry: ObjectProgram, _ code: LinkedCode, file: BPFObjectFile, extension ext: BTFExtension?
    ) throws(ObjectError) -> LoadedProgram {
        func located(_ error: DecodingError) -> ObjectError {
            let chunk =
                code.chunks.last { $0.outputSlot <= error.slotIndex } ?? code.chunks[0]
            let section = file.elf.sections[chunk.sectionIndex]
            let slot = chunk.sectionSlot + error.slotIndex - chunk.outputSlot
            return ObjectError(byteOffset: section.fileRange.lowerBound + slot * Program.slotByteCount, .program(error))
                .located(in: section, entry: "function \(chunk.name) (linked into \(entry.name))")
        }
        var program: Program
        do {
            program = try decodeAndValidate(code.bytes)
        } catch { throw located(error) }

        var functions = [LinkedFunction]()
        for (position, chunk) in code.chunks.enumerated() {
            let end = chunk.outputSlot + chunk.slotCount
            guard let first = program.instructionIndex(atSlot: chunk.outputSlot),
                let last = end == program.slotCount ? program.instructions.count : program.instructionIndex(atSlot: end)
            else {
                // An lddw cut at the end of a function swallowed the next function's first slot.
                let next = position + 1 < code.chunks.count ? code.chunks[position + 1].outputSlot : chunk.outputSlot
                throw located(DecodingError(slotIndex: max(next - 1, 0), reason: .truncatedLoadImmediate))
            }
            let sectionName = file.elf.sections[chunk.sectionIndex].name
            let startOffset = chunk.sectionSlot * Program.slotByteCount
            functions.append(
                LinkedFunction(
                    name: chunk.name, sectionName: sectionName, sectionOffset: startOffset,
                    instructions: first..<last, slots: chunk.outputSlot..<end,
                    btfTypeID: ext?.functionInfo[sectionName]?.first { $0.instructionOffset == startOffset }?.typeID))
        }

        if let ext, let extSection = file.elf.section(named: ".BTF.ext") {
            var table = [Int: SourceLocation]()
            for chunk in code.chunks {
                let section = file.elf.sections[chunk.sectionIndex]
                let start = chunk.sectionSlot * Program.slotByteCount
                let range = start..<(start + chunk.slotCount * Program.slotByteCount)
                for line in ext.lineInfo[section.name] ?? [] where range.contains(line.instructionOffset) {
                    let slot = chunk.outputSlot + line.instructionOffset / Program.slotByteCount - chunk.sectionSlot
                    guard let index = program.instructionIndex(atSlot: slot) else {
                        throw ObjectError(
                            byteOffset: line.recordOffset,
                            .btfInfoInsideLoadImmediate(part: "line_info", offset: line.instructionOffset)
                        ).located(in: extSection, entry: "line_info for \(section.name)")
                    }
                    if table[index] == nil {
                        table[index] = SourceLocation(
                            file: line.fileName, line: line.line, column: line.column, text: line.lineText)
                    }
                }
            }
            program.lineTable = table
        }

        return LoadedProgram(
            name: entry.name, sectionName: entry.sectionName, sectionIndex: entry.sectionIndex,
            programType: ProgramType.forSection(entry.sectionName), program: program, functions: functions,
            referencedMaps: code.referencedMaps)
    }
}

// MARK: - Decoding linked code

extension LoadedObject {
    /// Decodes linked bytes and checks them as the kernel loads them (fields, targets, functions).
    static func decodeAndValidate(_ bytes: [UInt8]) throws(DecodingError) -> Program {
        let program = try Program(decoding: bytes)
        try program.validateFunctions()
        return program
    }
}

// MARK: - DATASEC completion

extension BTF {
    /// Fills in what clang leaves 0 in DATASECs of a relocatable object: the section size and
    /// each variable's offset (its symbol's value), variables sorted by offset — libbpf's
    /// `btf_fixup_datasec()`. DATASECs of sections the object lacks (externs) stay as they are.
    mutating func completeDataSections(from file: BPFObjectFile) {
        for index in types.indices {
            guard case .dataSection(_, var variables) = types[index].kind,
                let section = file.elf.section(named: types[index].name)
            else { continue }
            for position in variables.indices {
                guard let variable = type(variables[position].type), case .variable = variable.kind,
                    let symbol = file.symbols.first(where: {
                        Int($0.sectionIndex) == section.index && $0.name == variable.name
                    })
                else { continue }
                variables[position].offset = Int(clamping: symbol.value)
            }
            variables.sort { $0.offset < $1.offset }
            types[index].kind = .dataSection(byteCount: Int(clamping: section.size), variables: variables)
        }
    }
}
