import BPFABI
import BPFISA
import BPFObject
import Testing

/// Loading compiled C objects: maps, global data, linking, line tables.
@Suite(.enabled(if: CompiledObjects.unavailableReason == nil, "\(CompiledObjects.unavailableReason ?? "")"))
struct LoadedObjectTests {
    static func load(_ name: String, _ source: String) throws -> LoadedObject {
        let object = try #require(CompiledObjects.object(name, source), "\(name).c did not build")
        return try LoadedObject.load(bytes: object.bytes)
    }

    @Test func mapsComeInLibbpfOrderWithTheirDefinitions() throws {
        let object = try Self.load("mapsAndCalls", CSources.mapsAndCalls)
        #expect(object.maps.prefix(4).map(\.name) == ["legacy", "legacy_hash", "counts", "slots"])
        #expect(object.maps.prefix(4).map(\.origin) == [.legacy, .legacy, .btf, .btf])
        #expect(Set(object.maps.dropFirst(4).map(\.name)) == [".rodata", ".data", ".bss"])

        let legacyHash = try #require(object.mapIndex(named: "legacy_hash").map { object.maps[$0] })
        #expect(
            legacyHash.definition
                == MapDefinition(
                    type: .hash, keySize: 8, valueSize: 4, maxEntries: 2, flags: .noPrealloc, name: "legacy_hash"))

        let counts = try #require(object.mapIndex(named: "counts").map { object.maps[$0] })
        #expect(
            counts.definition == MapDefinition(type: .hash, keySize: 4, valueSize: 8, maxEntries: 16, name: "counts"))
        let btf = try #require(object.btf)
        #expect(counts.keyTypeID.map { btf.typeDescription($0) } == "__u32")
        #expect(counts.valueTypeID.map { btf.typeDescription($0) } == "__u64")
        #expect(counts.initialData == nil && !counts.isReadOnly)

        let slots = try #require(object.mapIndex(named: "slots").map { object.maps[$0] })
        #expect(slots.definition == MapDefinition(type: .array, keySize: 4, valueSize: 8, maxEntries: 4, name: "slots"))
        #expect(slots.keyTypeID == nil)

        let rodata = try #require(object.mapIndex(named: ".rodata").map { object.maps[$0] })
        #expect(
            rodata.definition
                == MapDefinition(
                    type: .array, keySize: 4, valueSize: 4, maxEntries: 1, flags: .readOnlyProgram, name: ".rodata"))
        #expect(rodata.isReadOnly && rodata.origin == .globalData)
        #expect(rodata.initialData == [42, 0, 0, 0])
        #expect(rodata.valueTypeID.flatMap { btf.type($0)?.name } == ".rodata")

        let data = try #require(object.mapIndex(named: ".data").map { object.maps[$0] })
        #expect(data.initialData == [7, 0, 0, 0] && !data.isReadOnly && data.definition.flags.isEmpty)
        let bss = try #require(object.mapIndex(named: ".bss").map { object.maps[$0] })
        #expect(bss.initialData == nil && bss.definition.valueSize == 8)

        #expect(object.license == "Dual BSD/GPL")
    }

    /// Subprograms are appended once each, breadth-first in order of first reference; calls
    /// and the callback address point at them.
    @Test func subprogramsAreAppendedAndCallsFixed() throws {
        let object = try Self.load("mapsAndCalls", CSources.mapsAndCalls)
        let tc = try #require(object.program(named: "count_packets"))
        #expect(tc.sectionName == "tc" && tc.programType == .schedCls)
        #expect(tc.functions.map(\.name) == ["count_packets", "add_index", "measure", "scale"])
        #expect(tc.functions.dropFirst().allSatisfy { $0.sectionName == ".text" })
        let starts = Dictionary(uniqueKeysWithValues: tc.functions.map { ($0.name, $0.slots.lowerBound) })

        var callTargets = Set<Int>()
        var callbackTargets = Set<Int>()
        for index in tc.program.instructions.indices {
            switch tc.program.instructions[index].kind {
            case .call(.local)?: callTargets.insert(try #require(tc.program.targetSlot(ofInstruction: index)))
            case .loadImmediate64(.codeAddress)?:
                // The kernel's rule (add_subprog_and_kfunc): target = i + imm + 1.
                callbackTargets.insert(
                    tc.program.slotIndex(ofInstruction: index) + 1 + Int(tc.program.instructions[index].imm32))
            default: break
            }
        }
        #expect(callTargets == [starts["measure"]!, starts["scale"]!])
        #expect(callbackTargets == [starts["add_index"]!])
        #expect(
            tc.functionNamesBySlot == [
                0: "count_packets", starts["add_index"]!: "add_index",
                starts["measure"]!: "measure", starts["scale"]!: "scale",
            ])
        for function in tc.functions {
            #expect(function.btfTypeID.flatMap { object.btf?.type($0)?.name } == function.name)
        }

        let socket = try #require(object.program(named: "keep_headers"))
        #expect(socket.programType == .socketFilter)
        #expect(socket.functions.map(\.name) == ["keep_headers", "scale"])
    }

    @Test func mapReferencesBecomeMapIndices() throws {
        let object = try Self.load("mapsAndCalls", CSources.mapsAndCalls)
        let tc = try #require(object.program(named: "count_packets"))
        var references = [String: [UInt32]]()  // map name -> value offsets (or [] for map refs)
        for instruction in tc.program.instructions where instruction.isWide {
            let low = Int(UInt32(truncatingIfNeeded: instruction.imm))
            let high = UInt32(truncatingIfNeeded: instruction.imm >> 32)
            switch instruction.kind {
            case .loadImmediate64(.mapIndex)?:
                references[object.maps[low].name, default: []] += []
                #expect(high == 0)
            case .loadImmediate64(.mapIndexValue)?: references[object.maps[low].name, default: []].append(high)
            default: break
            }
        }
        #expect(references == ["counts": [], "legacy_hash": [], ".data": [0], ".bss": [0, 0], ".rodata": [0]])
        let names = tc.referencedMaps.map { object.maps[$0].name }
        #expect(names == ["counts", "legacy_hash", ".data", ".bss", ".rodata"])
        // What kernel_oracle.py creates for this program: every declared map, then the data it uses.
        #expect(
            object.mapIndices(visibleTo: tc).map { object.maps[$0].name }
                == ["legacy", "legacy_hash", "counts", "slots", ".data", ".bss", ".rodata"])
    }

    @Test func lineTableNamesTheSourceLines() throws {
        let object = try Self.load("mapsAndCalls", CSources.mapsAndCalls)
        let tc = try #require(object.program(named: "count_packets"))
        let lookup = try #require(
            tc.program.lineTable.first { $0.value.text?.contains("bpf_map_lookup_elem(&counts, &key)") == true })
        #expect(lookup.value.file.hasSuffix("mapsAndCalls.c"))  // clang records the path it was given, made absolute
        #expect(lookup.value.line == CompiledObjects.line(of: "bpf_map_lookup_elem(&counts", in: CSources.mapsAndCalls))
        #expect(lookup.value.column > 0)
        // The LDDW of `counts` is on that line (or on a record after it in the same function).
        let load = try #require(tc.program.instructions.firstIndex { $0.kind == .loadImmediate64(.mapIndex) })
        #expect(tc.sourceLocation(ofInstruction: load)?.text?.contains("&counts") == true)
        // Subprogram lines follow their code to its new place.
        let scale = try #require(tc.functions.first { $0.name == "scale" })
        let texts = scale.instructions.compactMap { tc.program.lineTable[$0]?.text }
        #expect(texts.contains { $0.contains("x * 3 + limit") })
        #expect(tc.program.lineTable.keys.allSatisfy { tc.program.instructions.indices.contains($0) })
    }

    @Test func staticGlobalsNamedSectionsAndCallsAcrossSections() throws {
        let object = try Self.load("globals", CSources.globals)
        #expect(object.programs.map(\.name) == ["first", "second", "shared_classifier", "act"])
        #expect(object.programs(inSection: "tc").map(\.name) == ["first", "second"])
        #expect(object.program(named: "act")?.programType == .schedAct)
        #expect(object.program(named: "shared_classifier")?.programType == .schedCls)
        let act = try #require(object.program(named: "act"))
        #expect(act.functions.map(\.sectionName) == ["action", "classifier"])

        let tagged = try #require(object.mapIndex(named: ".data.tagged").map { object.maps[$0] })
        #expect(tagged.initialData == [9, 0, 0, 0])
        let extra = try #require(object.mapIndex(named: ".bss.extra").map { object.maps[$0] })
        #expect(extra.definition.valueSize == 24 && extra.initialData == nil)
        let rodata = try #require(object.maps.first { $0.name.hasPrefix(".rodata") })
        #expect(String(decoding: rodata.initialData ?? [], as: UTF8.self).contains("hello, rodata"))

        // Two static counters of .bss reached through the section symbol: two value offsets.
        let first = try #require(object.program(named: "first"))
        let bss = try #require(object.mapIndex(named: ".bss"))
        let offsets = Set(
            first.program.instructions.filter {
                $0.kind == .loadImmediate64(.mapIndexValue) && Int(UInt32(truncatingIfNeeded: $0.imm)) == bss
            }.map { $0.imm >> 32 })
        #expect(offsets == [0, 4])
    }

    @Test func progArraySlotsComeFromTheValuesInitialiser() throws {
        let object = try Self.load("progArray", CSources.progArray)
        let jumps = try #require(object.mapIndex(named: "jumps").map { object.maps[$0] })
        #expect(
            jumps.definition == MapDefinition(type: .progArray, keySize: 4, valueSize: 4, maxEntries: 4, name: "jumps"))
        #expect(jumps.initialProgramSlots == [1: "handle_tcp", 3: "handle_udp"])
    }

    @Test func btfHasEveryKindAndResolvesSizes() throws {
        let object = try Self.load("allKinds", CSources.allKinds)
        let btf = try #require(object.btf)
        #expect(Set(btf.types.dropFirst().map(\.kind.number)) == Set(1...19))

        let everything = try #require(btf.type(named: "everything", kindNumber: 4))
        #expect(btf.size(of: everything.id) == 112)
        let all = try #require(object.mapIndex(named: "all").map { object.maps[$0] })
        #expect(all.definition.valueSize == 112)
        #expect(all.valueTypeID == everything.id)
        guard case .structure(_, let members) = everything.kind else {
            Issue.record("not a struct")
            return
        }
        #expect(
            members.map(\.name) == ["flow", "u", "c", "h", "ratio", "precise", "hidden", "cursor", "tagged", "matrix"])
        #expect(members.map { $0.bitOffset / 8 } == [0, 8, 12, 16, 24, 32, 40, 48, 56, 64])
        #expect(btf.size(of: members[9].type) == 48)
        #expect(btf.typeDescription(members[9].type) == "__u64[2][3]")

        // const volatile __u32 *restrict: modifiers, then the typedef, then the integer.
        let cursor = try #require(btf.skippingModifiers(members[7].type))
        guard case .pointer(let pointee)? = btf.type(cursor)?.kind else {
            Issue.record("not a pointer")
            return
        }
        let integer = try #require(btf.skippingModifiersAndTypedefs(pointee).flatMap { btf.type($0) })
        #expect(integer.kind == .integer(byteCount: 4, encoding: [], bitOffset: 0, bitCount: 32))
        #expect(btf.skippingModifiers(pointee).flatMap { btf.type($0)?.name } == "__u32")

        let flow = try #require(btf.skippingModifiersAndTypedefs(members[0].type).flatMap { btf.type($0) })
        guard case .structure(8, let flowMembers) = flow.kind else {
            Issue.record("flow_t")
            return
        }
        #expect(flowMembers.map(\.bitfieldSize) == [4, 28, 0])
        #expect(flowMembers.map(\.bitOffset) == [0, 4, 32])

        let huge = try #require(btf.type(named: "huge", kindNumber: 19))
        #expect(
            huge.kind
                == .enumeration64(
                    byteCount: 8, isSigned: false,
                    values: [.init(name: "SMALL", value: 1), .init(name: "LARGE", value: 0x12_3456_7890)]))
        #expect(btf.types.contains { $0.kind == .forward(isUnion: false) && $0.name == "opaque" })
        #expect(btf.types.contains { $0.name == "user" && $0.kind.number == 18 })
        #expect(
            btf.types.contains {
                $0.name == "arg"
                    && $0.kind
                        == .declarationTag(type: btf.type(named: "tagged_arg", kindNumber: 12)!.id, componentIndex: 0)
            })

        // DATASECs completed from the ELF: sizes and offsets clang leaves at 0.
        let bss = try #require(btf.dataSection(named: ".bss"))
        guard case .dataSection(112, let variables) = bss.kind else {
            Issue.record("\(bss.kind)")
            return
        }
        #expect(variables.map { btf.type($0.type)?.name } == ["everything_var"])
        let maps = try #require(btf.dataSection(named: ".maps"))
        guard case .dataSection(let size, _) = maps.kind else { return }
        #expect(size > 0)

        let kinds = try #require(object.program(named: "kinds"))
        #expect(kinds.functions.map { $0.btfTypeID.flatMap { btf.type($0)?.name } } == ["kinds", "tagged_arg"])
    }

    /// An object without BTF still loads (legacy maps only need symbols).
    @Test func objectWithoutBTFLoads() throws {
        var bytes = try #require(CompiledObjects.object("globals", CSources.globals)).bytes
        let elf = try ELFFile(bytes: bytes)
        for name in [".BTF", ".BTF.ext"] {
            // ".BTF" becomes "BTF": a section no loader looks at.
            let section = try #require(elf.section(named: name))
            bytes.setU32(section.nameOffset + 1, at: section.headerOffset)
        }
        let object = try LoadedObject.load(bytes: bytes)
        #expect(object.btf == nil && object.btfExtension == nil)
        #expect(
            object.programs.allSatisfy {
                $0.program.lineTable.isEmpty && $0.functions.allSatisfy { $0.btfTypeID == nil }
            })
        #expect(object.maps.allSatisfy { $0.valueTypeID == nil })
    }

    /// Every object in Programs/build loads, each entry program linked and valid.
    @Test(arguments: ObjectFixtures.names)
    func exampleObjectsLoad(_ name: String) throws {
        let object = try LoadedObject.load(bytes: try #require(ObjectFixtures.bytes(name)))
        let file = try BPFObjectFile(bytes: try #require(ObjectFixtures.bytes(name)))
        #expect(object.programs.map(\.name) == file.programs.filter { !$0.isSubprogram }.map(\.name))
        for program in object.programs {
            try program.program.validate()
            try program.program.validateFunctions()
            #expect(program.functions.first?.name == program.name)
        }
    }
}
