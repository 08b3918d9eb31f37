import BPFISA

// Links one entry program: copies its instructions, appends every function it calls (or
// takes the address of), transitively and each once, and applies the code relocations.
//
//   output:  [ entry function | callee 1 | callee 2 | ... ]      chunks, in append order
//   order:   chunks are scanned in order; a call or function address whose target is in no
//            chunk yet appends the target's function at the end (kernel_oracle.py's order:
//            breadth-first over chunks, first reference first)
//
//   lddw + R_BPF_64_64 against   a map definition  -> src 5 (BPF_PSEUDO_MAP_IDX), imm = map index
//                                a global variable -> src 6 (BPF_PSEUDO_MAP_IDX_VALUE),
//                                                     imm = map index | (symbol value + imm) << 32
//                                code              -> src 4 (BPF_PSEUDO_FUNC), imm = slot delta
//   call  (src 1) + R_BPF_64_32  -> imm = slot delta to the callee in the output
//   call  (src 1), no relocation -> a call inside the same section, imm relative to it
//
// The map index and value offset match what libbpf's `bpf_program__relocate()` computes
// (`insn[1].imm = insn[0].imm + sym->st_value` for global data).

/// One function copied into a linked program.
struct LinkChunk {
    var sectionIndex: Int
    /// The function's name (or `section+0xOFF` for code no function symbol covers).
    var name: String
    /// First slot in the section.
    var sectionSlot: Int
    var slotCount: Int
    /// First slot in the linked program.
    var outputSlot: Int
}

/// The linked bytes of one program, before decoding.
struct LinkedCode {
    var bytes: [UInt8]
    var chunks: [LinkChunk]
    /// Map indices in order of first reference.
    var referencedMaps: [Int]
}

struct ProgramLinker {
    let file: BPFObjectFile
    let maps: MapTable
    /// Relocations of executable sections, by section index then byte offset.
    let codeRelocations: [Int: [Int: ObjectRelocation]]

    private var output = [UInt8]()
    private var chunks = [LinkChunk]()
    private var referencedMaps = [Int]()

    init(file: BPFObjectFile, maps: MapTable, codeRelocations: [Int: [Int: ObjectRelocation]]) {
        self.file = file
        self.maps = maps
        self.codeRelocations = codeRelocations
    }

    /// Links `entry`; call once per linker value.
    mutating func link(_ entry: ObjectProgram) throws(ObjectError) -> LinkedCode {
        append(
            sectionIndex: entry.sectionIndex, name: entry.name,
            sectionSlot: entry.sectionOffset / Program.slotByteCount,
            slotCount: entry.byteCount / Program.slotByteCount)
        var next = 0
        while next < chunks.count {
            try relocate(chunk: chunks[next])
            next += 1
        }
        return LinkedCode(bytes: output, chunks: chunks, referencedMaps: referencedMaps)
    }

    private mutating func append(sectionIndex: Int, name: String, sectionSlot: Int, slotCount: Int) {
        let section = file.elf.sections[sectionIndex]
        let start = section.fileRange.lowerBound + sectionSlot * Program.slotByteCount
        chunks.append(
            LinkChunk(
                sectionIndex: sectionIndex, name: name, sectionSlot: sectionSlot, slotCount: slotCount,
                outputSlot: output.count / Program.slotByteCount))
        output += file.elf.bytes[start..<(start + slotCount * Program.slotByteCount)]
    }

    // MARK: Relocation of one chunk

    private mutating func relocate(chunk: LinkChunk) throws(ObjectError) {
        let section = file.elf.sections[chunk.sectionIndex]
        let relocations = codeRelocations[chunk.sectionIndex] ?? [:]
        var index = 0
        while index < chunk.slotCount {
            let sectionOffset = (chunk.sectionSlot + index) * Program.slotByteCount
            let outputSlot = chunk.outputSlot + index
            let at = outputSlot * Program.slotByteCount
            let opcode = output[at]
            let relocation = relocations[sectionOffset]
            let isWide = opcode == Instruction.loadImmediate64Opcode && index + 1 < chunk.slotCount
            if isWide, let inner = relocations[sectionOffset + Program.slotByteCount] {
                throw relocationError(inner, .relocationInsideLoadImmediate(offset: inner.offset))
            }
            if isWide {
                if let relocation { try relocateLoad(at: at, outputSlot: outputSlot, relocation) }
                index += 2
                continue
            }
            if opcode == callOpcode {
                try relocateCall(
                    at: at, outputSlot: outputSlot, section: section, sectionOffset: sectionOffset,
                    chunk: chunk, relocation)
            } else if let relocation {
                throw relocationError(
                    relocation, .relocationWrongInstruction(opcode: opcode, offset: relocation.offset))
            }
            index += 1
        }
    }

    private let callOpcode: UInt8 = 0x85  // BPF_JMP | BPF_CALL | BPF_K

    private mutating func relocateLoad(at: Int, outputSlot: Int, _ relocation: ObjectRelocation) throws(ObjectError) {
        guard relocation.bpfType == .immediate64 else {
            throw relocationError(relocation, .relocationWrongType(type: relocation.type, expected: "R_BPF_64_64"))
        }
        let target = try targetSection(of: relocation)
        let imm = Int64(Int32(bitPattern: output.u32(at: at + 4)))
        let symbolValue = Int64(bitPattern: relocation.symbolValue)
        let isSectionSymbol = symbolType(of: relocation) == ELFSymbol.typeSection

        if target.name == "maps" || target.name == ".maps" {
            let offset = symbolValue &+ (isSectionSymbol ? imm : 0)
            guard let mapIndex = maps.definitions[SectionOffset(section: target.index, offset: offset)] else {
                throw relocationError(
                    relocation, .relocationNoMap(symbol: relocation.symbolName, section: target.name, offset: offset))
            }
            patchLoad(at: at, source: .mapIndex, low: UInt32(mapIndex), high: 0)
            noteMap(mapIndex)
        } else if target.isExecutable && target.type == ELFSection.typeProgBits {
            let byteOffset = symbolValue &+ imm
            let slot = try targetSlot(byteOffset, in: target, relocation: relocation)
            let delta = slotDelta(to: slot, in: target, from: outputSlot)
            patchLoad(at: at, source: .codeAddress, low: UInt32(bitPattern: delta), high: 0)
        } else if let mapIndex = maps.dataSections[target.index] {
            let offset = symbolValue &+ imm
            guard offset >= 0, offset < Int64(target.size) else {
                throw relocationError(
                    relocation,
                    .relocationDataOffsetOutOfRange(
                        symbol: relocation.symbolName, section: target.name, offset: offset,
                        sectionSize: Int(target.size)))
            }
            patchLoad(at: at, source: .mapIndexValue, low: UInt32(mapIndex), high: UInt32(offset))
            noteMap(mapIndex)
        } else {
            throw relocationError(
                relocation, .relocationSymbolNotLinkable(symbol: relocation.symbolName, section: target.name))
        }
    }

    private mutating func relocateCall(
        at: Int, outputSlot: Int, section: ELFSection, sectionOffset: Int, chunk: LinkChunk,
        _ relocation: ObjectRelocation?
    ) throws(ObjectError) {
        let source = output[at + 1] >> 4
        let imm = Int64(Int32(bitPattern: output.u32(at: at + 4)))
        let target: ELFSection
        let targetSlot: Int
        if let relocation {
            guard relocation.bpfType == .call32 else {
                throw relocationError(relocation, .relocationWrongType(type: relocation.type, expected: "R_BPF_64_32"))
            }
            guard relocation.symbolSectionIndex != ELFSymbol.sectionUndefined else {
                throw relocationError(relocation, .externalFunctionCall(symbol: relocation.symbolName))
            }
            guard source == CallKind.local.rawValue else {
                throw relocationError(relocation, .relocationCallNotLocal(source: source))
            }
            target = try targetSection(of: relocation)
            guard target.isExecutable && target.type == ELFSection.typeProgBits else {
                throw relocationError(
                    relocation, .callTargetNotCode(symbol: relocation.symbolName, section: target.name))
            }
            // LLVM's encoding: the callee is (imm + 1) instructions past the symbol.
            let byteOffset = Int64(bitPattern: relocation.symbolValue) &+ (imm + 1) * Int64(Program.slotByteCount)
            targetSlot = try self.targetSlot(byteOffset, in: target, relocation: relocation)
        } else if source == CallKind.local.rawValue {
            target = section
            let slot = Int64(sectionOffset / Program.slotByteCount) + imm + 1
            guard slot >= 0, slot < Int64(section.size) / Int64(Program.slotByteCount) else {
                throw ObjectError(
                    byteOffset: section.fileRange.lowerBound + sectionOffset,
                    .callTargetOutOfSection(
                        section: section.name, offset: slot * Int64(Program.slotByteCount),
                        sectionSize: Int(section.size))
                ).located(in: section, entry: "function \(chunk.name)")
            }
            targetSlot = Int(slot)
        } else {
            return  // a helper call or a kfunc call by BTF id: nothing to link
        }
        let delta = slotDelta(to: targetSlot, in: target, from: outputSlot)
        output.setU32(UInt32(bitPattern: delta), at: at + 4)
    }

    // MARK: Targets

    /// The section a relocation's symbol is defined in.
    private func targetSection(of relocation: ObjectRelocation) throws(ObjectError) -> ELFSection {
        let index = relocation.symbolSectionIndex
        guard index != ELFSymbol.sectionUndefined else {
            throw relocationError(relocation, .relocationUndefinedSymbol(symbol: relocation.symbolName))
        }
        guard Int(index) < file.elf.sections.count else {
            throw relocationError(
                relocation, .relocationSymbolNotLinkable(symbol: relocation.symbolName, section: hex(index)))
        }
        return file.elf.sections[Int(index)]
    }

    private func symbolType(of relocation: ObjectRelocation) -> UInt8? {
        relocation.symbolIndex < file.symbols.count ? file.symbols[relocation.symbolIndex].type : nil
    }

    /// The slot at byte `offset` of code section `section`, checked.
    private func targetSlot(_ offset: Int64, in section: ELFSection, relocation: ObjectRelocation) throws(ObjectError)
        -> Int
    {
        guard offset >= 0, offset < Int64(section.size) else {
            throw relocationError(
                relocation,
                .callTargetOutOfSection(section: section.name, offset: offset, sectionSize: Int(section.size)))
        }
        guard offset % Int64(Program.slotByteCount) == 0 else {
            throw relocationError(relocation, .callTargetMisaligned(section: section.name, offset: offset))
        }
        return Int(offset) / Program.slotByteCount
    }

    /// The jump from the instruction after `outputSlot` to slot `slot` of `section` in the
    /// output, appending the function containing it first if it is not there yet.
    private mutating func slotDelta(to slot: Int, in section: ELFSection, from outputSlot: Int) -> Int32 {
        let chunk = chunkContaining(slot: slot, in: section)
        let destination = chunk.outputSlot + (slot - chunk.sectionSlot)
        return Int32(truncatingIfNeeded: destination - outputSlot - 1)
    }

    private mutating func chunkContaining(slot: Int, in section: ELFSection) -> LinkChunk {
        if let existing = chunks.first(where: {
            $0.sectionIndex == section.index && $0.sectionSlot <= slot && slot < $0.sectionSlot + $0.slotCount
        }) {
            return existing
        }
        let offset = slot * Program.slotByteCount
        let functions = file.programs.filter { $0.sectionIndex == section.index }
        if let function = functions.first(where: {
            $0.sectionOffset <= offset && offset < $0.sectionOffset + $0.byteCount
        }) {
            append(
                sectionIndex: section.index, name: function.name,
                sectionSlot: function.sectionOffset / Program.slotByteCount,
                slotCount: function.byteCount / Program.slotByteCount)
        } else {
            // Code no function symbol covers (hand-written assembly): up to the next function.
            let end = functions.map(\.sectionOffset).filter { $0 > offset }.min() ?? Int(section.size)
            append(
                sectionIndex: section.index, name: "\(section.name)+\(hex(offset))", sectionSlot: slot,
                slotCount: (end - offset) / Program.slotByteCount)
        }
        return chunks[chunks.count - 1]
    }

    // MARK: Patching

    private mutating func patchLoad(at: Int, source: LoadImmediateSource, low: UInt32, high: UInt32) {
        output[at + 1] = (output[at + 1] & 0x0f) | source.rawValue << 4
        output.setU32(low, at: at + 4)
        output.setU32(high, at: at + 12)
    }

    private mutating func noteMap(_ index: Int) {
        if !referencedMaps.contains(index) { referencedMaps.append(index) }
    }

    private func relocationError(_ relocation: ObjectRelocation, _ reason: ObjectError.Reason) -> ObjectError {
        ObjectError(byteOffset: relocation.entryOffset, reason)
            .located(in: file.elf.sections[relocation.relocationSectionIndex], entry: "relocation \(relocation.index)")
    }
}

extension [UInt8] {
    mutating func setU32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }
}
