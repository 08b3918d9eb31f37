import BPFISA
import BPFObject
import Testing

/// Reading the real objects compiled from Programs/c (skipped, with the reason printed, when
/// they cannot be built).
@Suite(
    .enabled(if: !ObjectFixtures.objects.isEmpty, "no objects in Programs/build and clang unavailable to build them"))
struct BPFObjectFileTests {
    @Test(arguments: ObjectFixtures.names)
    func everyObjectReads(_ name: String) throws {
        let bytes = try #require(ObjectFixtures.bytes(name))
        #expect(BPFObjectFile.isELF(bytes))
        let object = try BPFObjectFile(bytes: bytes)
        #expect(object.license == "GPL")
        #expect(!object.programs.isEmpty)
        for program in object.programs {
            // Decoding keeps every byte: the program re-encodes to its slice of the section.
            let section = object.sections[program.sectionIndex]
            let start = section.contents.startIndex + program.sectionOffset
            #expect(program.program.encoded() == Array(section.contents[start..<start + program.byteCount]))
            #expect(program.byteCount == program.program.slotCount * Program.slotByteCount)
            #expect(section.kind == .code)
            #expect(program.isSubprogram == (program.sectionName == ".text"))
        }
        // Every relocation is resolved to a symbol name and lies inside its section.
        for relocation in object.relocations {
            #expect(relocation.offset < object.sections[relocation.sectionIndex].contents.count)
            #expect(relocation.bpfType != nil)
        }
    }

    @Test func dropICMPIsOneTCProgram() throws {
        let object = try BPFObjectFile(bytes: try #require(ObjectFixtures.bytes("drop_icmp.o")))
        #expect(object.programs.map(\.name) == ["drop_icmp"])
        let program = try #require(object.program(named: "drop_icmp"))
        #expect(program.sectionName == "tc")
        #expect(program.sectionOffset == 0)
        #expect(program.relocations.isEmpty)
        #expect(program.program.instructions.last?.kind == .exit)
        // The empty .text section is not a program.
        #expect(!object.programs.contains { $0.sectionName == ".text" })
        #expect(object.sections.contains { $0.name == ".BTF" && $0.kind == .typeInformation })
        #expect(object.sections.contains { $0.name == "license" && $0.kind == .license })
    }

    /// bpf-to-bpf calls: subprograms in .text, and `call` instructions in `tc` that still hold
    /// LLVM's unrelocated immediates, each with its R_BPF_64_32 relocation against `.text`.
    @Test func portFilterHasSubprogramsAndCallRelocations() throws {
        let object = try BPFObjectFile(bytes: try #require(ObjectFixtures.bytes("port_filter.o")))
        let names = Set(object.programs.map(\.name))
        #expect(names == ["port_filter", "l4_offset", "allowed_port"])
        let subprograms = object.programs.filter(\.isSubprogram).map(\.name)
        #expect(Set(subprograms) == ["l4_offset", "allowed_port"])

        let entry = try #require(object.program(named: "port_filter"))
        #expect(entry.relocations.count == 3)
        for relocation in entry.relocations {
            #expect(relocation.bpfType == .call32)
            #expect(relocation.symbolName == ".text")
            let index = try #require(entry.instructionIndex(of: relocation))
            let call = entry.program.instructions[index]
            #expect(call.opcode == 0x85)
            #expect(call.src == CallKind.local.rawValue)
            // The callee: byte (imm + 1) * 8 of .text names one of the subprograms.
            let calleeOffset = (Int(call.imm32) + 1) * Program.slotByteCount + Int(relocation.symbolValue)
            #expect(object.programs.contains { $0.isSubprogram && $0.sectionOffset == calleeOffset })
        }
    }

    @Test func relocationSectionsAreExposedRaw() throws {
        let object = try BPFObjectFile(bytes: try #require(ObjectFixtures.bytes("port_filter.o")))
        let relTC = try #require(
            object.relocationSections.first { object.sections[$0.targetSectionIndex].name == "tc" })
        #expect(object.sections[relTC.sectionIndex].name == ".reltc")
        #expect(object.sections[relTC.symbolTableIndex].kind == .symbolTable)
        #expect(relTC.relocations.allSatisfy { $0.type == BPFRelocationType.call32.rawValue && $0.addend == nil })
        // DWARF and BTF relocations are there too, untouched.
        #expect(object.relocations.contains { object.sections[$0.sectionIndex].name == ".BTF.ext" })
    }

    /// Code sections re-join their functions (and any bytes between them) into one stream.
    @Test(arguments: ObjectFixtures.names)
    func codeSectionsCoverTheirSections(_ name: String) throws {
        let object = try BPFObjectFile(bytes: try #require(ObjectFixtures.bytes(name)))
        for code in object.codeSections {
            #expect(code.program.encoded() == Array(code.section.contents))
            let functions = object.programs.filter { $0.sectionIndex == code.section.index }
            for function in functions {
                #expect(code.symbols[function.sectionOffset / Program.slotByteCount] == function.name)
            }
        }
    }

    @Test func codeSectionKeepsBytesNoFunctionCovers() throws {
        var bytes = try #require(ObjectFixtures.bytes("port_filter.o"))
        let elf = try ELFFile(bytes: bytes)
        // allowed_port stops being a function: its bytes at the end of .text belong to nobody.
        let function = try #require(try elf.symbols().first { $0.name == "allowed_port" })
        bytes[function.entryOffset + 4] = ELFSymbol.bindingLocal << 4 | ELFSymbol.typeNone
        let object = try BPFObjectFile(bytes: bytes)
        #expect(object.programs.filter(\.isSubprogram).map(\.name) == ["l4_offset"])
        let code = try #require(object.codeSections.first { $0.section.name == ".text" })
        #expect(code.program.encoded() == Array(code.section.contents))
        #expect(code.symbols == [0: "l4_offset"])
    }

    /// gABI escapes: e_shnum = 0 puts the count in section 0's sh_size, e_shstrndx = SHN_XINDEX
    /// puts the name table index in section 0's sh_link.
    @Test func extendedSectionCountAndNameIndexAreFollowed() throws {
        var bytes = try #require(ObjectFixtures.bytes("port_filter.o"))
        let elf = try ELFFile(bytes: bytes)
        let nullHeader = elf.sections[0].headerOffset
        bytes.setU64(UInt64(elf.sections.count), at: nullHeader + 32)
        bytes.setU32(UInt32(try #require(elf.sectionNameTableIndex)), at: nullHeader + 40)
        bytes.setU16(0, at: 60)
        bytes.setU16(0xffff, at: 62)
        let object = try BPFObjectFile(bytes: bytes)
        #expect(object.sections.map(\.name) == elf.sections.map(\.name))
        #expect(object.programs.count == 3)

        bytes.setU64(0, at: nullHeader + 32)
        #expect(throws: ObjectError.self) { _ = try BPFObjectFile(bytes: bytes) }
    }

    @Test func isELFLooksAtTheMagicOnly() {
        #expect(BPFObjectFile.isELF([0x7f, 0x45, 0x4c, 0x46]))
        #expect(!BPFObjectFile.isELF([0x7f, 0x45, 0x4c]))
        #expect(!BPFObjectFile.isELF([0xb7, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]))
        #expect(!BPFObjectFile.isELF([]))
    }

    /// A section without function symbols (hand-written assembly) is one program named after it.
    @Test func sectionWithoutFunctionSymbolsIsOneProgram() throws {
        var bytes = try #require(ObjectFixtures.bytes("drop_icmp.o"))
        let elf = try ELFFile(bytes: bytes)
        let function = try #require(try elf.symbols().first { $0.name == "drop_icmp" })
        bytes[function.entryOffset + 4] = ELFSymbol.bindingGlobal << 4 | ELFSymbol.typeNone
        let object = try BPFObjectFile(bytes: bytes)
        #expect(object.programs.map(\.name) == ["tc"])
    }

    @Test func errorsNameSectionEntryAndByteOffset() throws {
        var bytes = try #require(ObjectFixtures.bytes("port_filter.o"))
        let elf = try ELFFile(bytes: bytes)
        let relTC = try #require(elf.section(named: ".reltc"))
        let relocation = try elf.relocationSection(relTC).relocations[1]
        let symbolCount = try elf.symbols().count
        bytes.setU64(UInt64(99) << 32 | 10, at: relocation.entryOffset + 8)
        #expect {
            _ = try BPFObjectFile(bytes: bytes)
        } throws: { error in
            let offset = String(relocation.entryOffset, radix: 16)
            return "\(error)"
                == "section \(relTC.index) (.reltc): relocation 1 at byte offset 0x\(offset): "
                + "symbol index 99 out of range (the symbol table has \(symbolCount))"
        }
    }
}
