import BPFABI
import BPFISA
import Foundation
import Testing

@testable import BPFObject

/// One kind of damage to a compiled object the loader must refuse with a typed error.
struct LoaderDamage: CustomTestStringConvertible, Sendable {
    var name: String
    var source: (name: String, text: String) = ("mapsAndCalls", CSources.mapsAndCalls)
    var damage: @Sendable (inout [UInt8], BPFObjectFile) throws -> Void
    /// The section the error must name.
    var section: String
    var expected: @Sendable (ObjectError.Reason) -> Bool

    var testDescription: String { name }
}

@Suite(.enabled(if: CompiledObjects.unavailableReason == nil, "\(CompiledObjects.unavailableReason ?? "")"))
struct LoaderDamageTests {
    static let damages: [LoaderDamage] = btfDamages + extensionDamages + relocationDamages + mapDamages

    // MARK: .BTF

    static let btfDamages: [LoaderDamage] = [
        LoaderDamage(
            name: "BTF section truncated to 10 bytes",
            damage: { bytes, file in
                let btf = try section(".BTF", file)
                for rel in file.elf.sections where rel.type == ELFSection.typeRelocations && Int(rel.info) == btf.index
                {
                    bytes.setU32(ELFSection.typeProgBits, at: rel.headerOffset + 4)  // drop .rel.BTF
                }
                bytes.setU64(10, at: btf.headerOffset + 32)
            },
            section: ".BTF", expected: { $0 == .btfTooShort(byteCount: 10) }),
        LoaderDamage(
            name: "BTF type section past the data",
            damage: { bytes, file in
                let at = Int(try section(".BTF", file).offset) + 12
                bytes.setU32(bytes.u32(at: at) + 100_000, at: at)
            },
            section: ".BTF",
            expected: { if case .btfPartOutOfRange("type section", _, _, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "BTF type section overlapping the strings",
            damage: { bytes, file in
                let at = Int(try section(".BTF", file).offset) + 12
                bytes.setU32(bytes.u32(at: at) + 8, at: at)
            },
            section: ".BTF", expected: { if case .btfBadLayout = $0 { true } else { false } }),
        LoaderDamage(
            name: "BTF type section cut inside the last record",
            damage: { bytes, file in
                let at = Int(try section(".BTF", file).offset) + 12
                bytes.setU32(bytes.u32(at: at) - 4, at: at)
            },
            section: ".BTF", expected: { if case .btfTruncatedType = $0 { true } else { false } }),
        LoaderDamage(
            name: "BTF bad magic",
            damage: { bytes, file in bytes.setU16(0x9feb, at: Int(try section(".BTF", file).offset)) },
            section: ".BTF", expected: { $0 == .btfBadMagic(0x9feb) }),
        LoaderDamage(
            name: "BTF version 2", damage: { bytes, file in bytes[Int(try section(".BTF", file).offset) + 2] = 2 },
            section: ".BTF", expected: { $0 == .btfBadVersion(2) }),
        LoaderDamage(
            name: "BTF header longer than the data",
            damage: { bytes, file in bytes.setU32(1 << 20, at: Int(try section(".BTF", file).offset) + 4) },
            section: ".BTF", expected: { if case .btfBadHeaderLength(1 << 20, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "BTF pointer to a type id that does not exist",
            damage: { bytes, file in
                let record = try btfRecord(file) { if case .pointer = $0.kind { true } else { false } }
                bytes.setU32(0xfff0, at: record + 8)
            },
            section: ".BTF", expected: { if case .btfTypeOutOfRange(0xfff0, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "BTF unknown kind 25",
            damage: { bytes, file in
                let record = try btfRecord(file) { if case .structure = $0.kind { true } else { false } }
                bytes.setU32(bytes.u32(at: record + 4) & ~(0x1f << 24) | 25 << 24, at: record + 4)
            },
            section: ".BTF", expected: { $0 == .btfUnknownKind(25) }),
        LoaderDamage(
            name: "BTF type name past the string table",
            damage: { bytes, file in bytes.setU32(0x00ff_ffff, at: try btfRecord(file) { !$0.name.isEmpty }) },
            section: ".BTF", expected: { if case .nameOutOfRange(0x00ff_ffff, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "BTF string table without a final NUL",
            damage: { bytes, file in
                let base = Int(try section(".BTF", file).offset)
                let end =
                    base + Int(bytes.u32(at: base + 4)) + Int(bytes.u32(at: base + 16)) + Int(bytes.u32(at: base + 20))
                bytes[end - 1] = UInt8(ascii: "x")
            },
            section: ".BTF", expected: { $0 == .btfBadStringTable }),
    ]

    // MARK: .BTF.ext

    static let extensionDamages: [LoaderDamage] = [
        LoaderDamage(
            name: "line_info record size 3", damage: { bytes, file in bytes.setU32(3, at: try lineInfo(file).part) },
            section: ".BTF.ext", expected: { $0 == .btfBadRecordSize(part: "line_info", size: 3, minimum: 16) }),
        LoaderDamage(
            name: "line_info with no records",
            damage: { bytes, file in bytes.setU32(0, at: try lineInfo(file).part + 8) },
            section: ".BTF.ext", expected: { $0 == .btfEmptyInfoSection(part: "line_info") }),
        LoaderDamage(
            name: "line_info instruction offset 3",
            damage: { bytes, file in bytes.setU32(3, at: try lineInfo(file).record) },
            section: ".BTF.ext", expected: { $0 == .btfInstructionOffsetNotAligned(3) }),
        LoaderDamage(
            name: "line_info past its section",
            damage: { bytes, file in bytes.setU32(0x10_0000, at: try lineInfo(file).record) },
            section: ".BTF.ext",
            expected: { if case .btfInfoOutOfSection("line_info", 0x10_0000, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "line_info file name past the strings",
            damage: { bytes, file in bytes.setU32(0x00ff_ffff, at: try lineInfo(file).record + 4) },
            section: ".BTF.ext", expected: { if case .nameOutOfRange(0x00ff_ffff, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "line_info in the middle of an lddw",
            damage: { bytes, file in
                let info = try lineInfo(file, section: "tc")
                let tc = try #require(file.programs.first { $0.name == "count_packets" })
                let lddw = try #require(tc.program.instructions.indices.first { tc.program.instructions[$0].isWide })
                bytes.setU32(UInt32((tc.program.slotIndex(ofInstruction: lddw) + 1) * 8), at: info.record)
            },
            section: ".BTF.ext", expected: { if case .btfInfoInsideLoadImmediate = $0 { true } else { false } }),
        LoaderDamage(
            name: "func_info naming a pointer type",
            damage: { bytes, file in
                let base = Int(try section(".BTF.ext", file).offset)
                let part = base + Int(bytes.u32(at: base + 4)) + Int(bytes.u32(at: base + 8))
                let btf = try BTF(bytes: Array(try section(".BTF", file).contentsIn(bytes)))
                let pointer = try #require(btf.types.first { if case .pointer = $0.kind { true } else { false } })
                bytes.setU32(UInt32(pointer.id), at: part + 12 + 4)
            },
            section: ".BTF.ext",
            expected: { if case .btfFunctionInfoNotFunction(_, "PTR") = $0 { true } else { false } }),
    ]

    // MARK: Relocations

    static let relocationDamages: [LoaderDamage] = [
        LoaderDamage(
            name: "relocation of a plain instruction",
            damage: { bytes, file in bytes.setU64(0, at: try relocation("counts", file).entryOffset) },
            section: ".reltc", expected: { if case .relocationWrongInstruction(_, 0) = $0 { true } else { false } }),
        LoaderDamage(
            name: "relocation inside an lddw",
            damage: { bytes, file in
                let entry = try relocation("counts", file)
                bytes.setU64(UInt64(entry.offset + 8), at: entry.entryOffset)
            },
            section: ".reltc", expected: { if case .relocationInsideLoadImmediate = $0 { true } else { false } }),
        LoaderDamage(
            name: "lddw relocated as a call",
            damage: { bytes, file in bytes.setU32(10, at: try relocation("counts", file).entryOffset + 8) },
            section: ".reltc", expected: { $0 == .relocationWrongType(type: 10, expected: "R_BPF_64_64") }),
        LoaderDamage(
            name: "lddw of the license",
            damage: { bytes, file in try setSymbol(of: relocation("counts", file), to: "LICENSE", &bytes, file) },
            section: ".reltc", expected: { $0 == .relocationSymbolNotLinkable(symbol: "LICENSE", section: "license") }),
        LoaderDamage(
            name: "lddw of an undefined symbol",
            damage: { bytes, file in
                let entry = try relocation("counts", file)
                bytes.setU64(UInt64(entry.type), at: entry.entryOffset + 8)  // symbol 0
            },
            section: ".reltc", expected: { $0 == .relocationUndefinedSymbol(symbol: "") }),
        LoaderDamage(
            name: "global variable offset past its section",
            damage: { bytes, file in
                let entry = try relocation("seen", file)
                bytes.setU32(0x100, at: Int(file.elf.sections[entry.sectionIndex].offset) + entry.offset + 4)
            },
            section: ".reltc",
            expected: {
                $0 == .relocationDataOffsetOutOfRange(symbol: "seen", section: ".data", offset: 0x100, sectionSize: 4)
            }),
        LoaderDamage(
            name: "map reference between maps",
            damage: { bytes, file in
                let entry = try relocation("counts", file)
                let symbol = try #require(file.symbols.first { $0.name == "counts" })
                bytes[symbol.entryOffset + 4] = symbol.info & 0xf0 | ELFSymbol.typeSection
                bytes.setU32(4, at: Int(file.elf.sections[entry.sectionIndex].offset) + entry.offset + 4)
            },
            section: ".reltc", expected: { $0 == .relocationNoMap(symbol: "counts", section: ".maps", offset: 4) }),
        LoaderDamage(
            name: "two relocations of one instruction",
            damage: { bytes, file in
                let first = try relocation("counts", file)
                bytes.setU64(UInt64(first.offset), at: try relocation("legacy_hash", file).entryOffset)
            },
            section: ".reltc", expected: { if case .relocationDuplicate = $0 { true } else { false } }),
        LoaderDamage(
            name: "call past the end of .text",
            damage: { bytes, file in
                let entry = try relocation("measure", file)
                bytes.setU32(1000, at: Int(file.elf.sections[entry.sectionIndex].offset) + entry.offset + 4)
            },
            section: ".reltc",
            expected: { if case .callTargetOutOfSection(".text", 8008, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "call of a global variable",
            damage: { bytes, file in try setSymbol(of: relocation("measure", file), to: "seen", &bytes, file) },
            section: ".reltc", expected: { $0 == .callTargetNotCode(symbol: "seen", section: ".data") }),
        LoaderDamage(
            name: "local call past the end of .text",
            damage: { bytes, file in
                let measure = try #require(file.programs.first { $0.name == "measure" })
                let call = try #require(measure.program.instructions.firstIndex { $0.kind == .call(.local) })
                let at = Int(file.elf.sections[measure.sectionIndex].offset) + measure.sectionOffset + call * 8
                bytes.setU32(5000, at: at + 4)
            },
            section: ".text", expected: { if case .callTargetOutOfSection(".text", _, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "subprogram falling off its end",
            damage: { bytes, file in
                let scale = try #require(file.programs.first { $0.name == "scale" })
                let at = Int(file.elf.sections[scale.sectionIndex].offset) + scale.sectionOffset + scale.byteCount - 8
                bytes[at] = 0xb7  // exit -> mov r0, imm
            },
            section: ".text",
            expected: {
                if case .program(let error) = $0 { error.reason == .functionFallsThrough } else { false }
            }),
        LoaderDamage(
            name: "call of a kernel function", source: ("kernelFunction", CSources.kernelFunction),
            damage: { _, _ in }, section: ".reltc",
            expected: { $0 == .externalFunctionCall(symbol: "bpf_kfunc_call_test1") }),
    ]

    // MARK: Maps

    static let mapDamages: [LoaderDamage] = [
        bad(
            "map of a type skbpf lacks",
            "__uint(type, 11); __uint(max_entries, 1); __type(key, __u64); __type(value, __u32);"
        ) {
            if case .mapDefinition(let error) = $0 { error.reason == .unsupportedType(.lpmTrie) } else { false }
        },
        bad("map type 99", "__uint(type, 99); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32);") {
            if case .mapDefinition(let error) = $0 { error.reason == .unknownType(99) } else { false }
        },
        bad("map without a type", "__uint(max_entries, 1); __type(key, __u32); __type(value, __u32);") {
            $0 == .mapMissingType(map: "bad")
        },
        bad("map with no entries", "__uint(type, 1); __uint(max_entries, 0); __type(key, __u32); __type(value, __u32);")
        {
            if case .mapDefinition(let error) = $0 { error.reason == .maxEntriesZero } else { false }
        },
        bad(
            "key size conflicting with the key type",
            "__uint(type, 1); __uint(max_entries, 1); __type(key, __u64); __uint(key_size, 4); __type(value, __u32);"
        ) {
            $0 == .mapConflictingSize(map: "bad", attribute: "key", declared: 4, ofType: 8)
        },
        bad("key that is not __type()", "__uint(type, 1); __uint(max_entries, 1); __u32 key; __type(value, __u32);") {
            if case .mapTypeAttributeNotPointer("bad", "key", _) = $0 { true } else { false }
        },
        bad(
            "max_entries that is not __uint()",
            "__uint(type, 1); int *max_entries; __type(key, __u32); __type(value, __u32);"
        ) {
            if case .mapAttributeNotInteger("bad", "max_entries", _) = $0 { true } else { false }
        },
        LoaderDamage(
            name: "legacy map definition past its section",
            damage: { bytes, file in
                let symbol = try #require(file.symbols.first { $0.name == "legacy_hash" })
                bytes.setU64(1000, at: symbol.entryOffset + 8)
            },
            section: "maps",
            expected: { if case .mapDefinitionOutOfSection("legacy_hash", 1000, _) = $0 { true } else { false } }),
        LoaderDamage(
            name: "legacy map of type 0",
            damage: { bytes, file in
                let symbol = try #require(file.symbols.first { $0.name == "legacy" })
                bytes.setU32(0, at: Int(try section("maps", file).offset) + Int(symbol.value))
            },
            section: "maps",
            expected: { if case .mapDefinition(let error) = $0 { error.reason == .unknownType(0) } else { false } }),
        LoaderDamage(
            name: ".maps without .BTF",
            damage: { bytes, file in
                for name in [".BTF", ".BTF.ext"] {
                    let header = try section(name, file)
                    bytes.setU32(header.nameOffset + 1, at: header.headerOffset)
                }
            },
            section: ".maps", expected: { $0 == .btfMissing(neededBy: ".maps") }),
        LoaderDamage(
            name: "prog array slot naming the license", source: ("progArray", CSources.progArray),
            damage: { bytes, file in
                let slot = try #require(file.relocations.first { $0.symbolName == "handle_udp" })
                try setSymbol(of: slot, to: "LICENSE", &bytes, file)
            },
            section: ".rel.maps",
            expected: { $0 == .mapSlotNotProgram(map: "jumps", slot: 3, symbol: "LICENSE") }),
    ]

    static func bad(_ name: String, _ members: String, _ expected: @escaping @Sendable (ObjectError.Reason) -> Bool)
        -> LoaderDamage
    {
        LoaderDamage(
            name: name,
            source: ("badMap\(members.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xff_ffff })", CSources.badMap(members)),
            damage: { _, _ in }, section: ".maps", expected: expected)
    }

    @Test(arguments: damages)
    func damageIsATypedError(_ damage: LoaderDamage) throws {
        var bytes = try #require(CompiledObjects.object(damage.source.name, damage.source.text)).bytes
        try damage.damage(&bytes, try BPFObjectFile(bytes: bytes))
        do {
            let object = try LoadedObject.load(bytes: bytes)
            Issue.record("\(damage.name): loaded \(object.programs.count) programs instead of failing")
        } catch {
            #expect(damage.expected(error.reason), "\(damage.name): unexpected error \(error)")
            #expect(error.sectionName == damage.section, "\(error)")
            #expect(error.byteOffset != nil, "\(error)")
        }
    }

    @Test func relocationErrorNamesSectionEntryAndOffset() throws {
        var bytes = try #require(CompiledObjects.object("mapsAndCalls", CSources.mapsAndCalls)).bytes
        let file = try BPFObjectFile(bytes: bytes)
        let entry = try Self.relocation("counts", file)
        try Self.setSymbol(of: entry, to: "LICENSE", &bytes, file)
        let relTC = try Self.section(".reltc", file)
        #expect {
            _ = try LoadedObject.load(bytes: bytes)
        } throws: { error in
            "\(error)"
                == "section \(relTC.index) (.reltc): relocation \(entry.index) at byte offset "
                + "0x\(String(entry.entryOffset, radix: 16)): symbol 'LICENSE' is in section 'license', "
                + "which holds no maps, global data or code"
        }
    }

    @Test func btfErrorNamesTheType() throws {
        var bytes = try #require(CompiledObjects.object("mapsAndCalls", CSources.mapsAndCalls)).bytes
        let file = try BPFObjectFile(bytes: bytes)
        let record = try Self.btfRecord(file) { if case .pointer = $0.kind { true } else { false } }
        bytes.setU32(0xfff0, at: record + 8)
        let btf = try BTF(bytes: Array(try Self.section(".BTF", file).contentsIn(file.elf.bytes)))
        let pointer = try #require(btf.types.first { if case .pointer = $0.kind { true } else { false } })
        let section = try Self.section(".BTF", file)
        #expect {
            _ = try LoadedObject.load(bytes: bytes)
        } throws: { error in
            "\(error)"
                == "section \(section.index) (.BTF): type \(pointer.id) (PTR) at byte offset 0x\(String(record, radix: 16)): "
                + "refers to type 65520, but the BTF has types 0...\(btf.types.count - 1)"
        }
    }

    /// Random bytes overwritten where the loader (not the ELF reader) reads: .BTF, .BTF.ext,
    /// code, code relocations, map definitions. Every outcome is a load or an ObjectError.
    @Test(arguments: ["mapsAndCalls", "globals", "progArray", "allKinds"])
    func randomDamageNeverCrashes(_ name: String) throws {
        let sources = [
            "mapsAndCalls": CSources.mapsAndCalls, "globals": CSources.globals, "progArray": CSources.progArray,
            "allKinds": CSources.allKinds,
        ]
        let pristine = try #require(CompiledObjects.object(name, sources[name]!)).bytes
        let file = try BPFObjectFile(bytes: pristine)
        let targets = file.elf.sections.filter { section in
            section.hasContents && section.size > 0
                && ([".BTF", ".BTF.ext", ".maps", "maps"].contains(section.name) || section.isExecutable
                    || (section.type == ELFSection.typeRelocations
                        && file.elf.sections[Int(section.info)].name.hasPrefix(".debug") == false))
        }.map(\.fileRange)
        var random = SeededRandom(seed: UInt64(pristine.count) ^ 0x5eed)
        var loaded = 0
        var refused = 0
        // SKBPF_FUZZ_ROUNDS=N runs longer, by hand.
        let rounds = ProcessInfo.processInfo.environment["SKBPF_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 1500
        for _ in 0..<rounds {
            var bytes = pristine
            for _ in 0..<(1 + random.below(3)) {
                let range = targets[random.below(targets.count)]
                let at = range.lowerBound + random.below(range.count)
                bytes[at] =
                    random.below(3) == 0
                    ? [0x00, 0xff, 0x7f, 0x80][random.below(4)] : UInt8(truncatingIfNeeded: random.next())
            }
            do {
                let object = try LoadedObject.load(bytes: bytes)
                // Re-checked the loader's way: BPF_PSEUDO_FUNC targets counted as the kernel does.
                for program in object.programs { _ = try LoadedObject.decodeAndValidate(program.program.encoded()) }
                loaded += 1
            } catch let error as ObjectError {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        #expect(loaded + refused == rounds)
        #expect(refused > 0)
    }

    // MARK: Helpers

    static func section(_ name: String, _ file: BPFObjectFile) throws -> ELFSection {
        try #require(file.elf.section(named: name))
    }

    /// File offset of the first `.BTF` type record that `matches`.
    static func btfRecord(_ file: BPFObjectFile, _ matches: (BTFType) -> Bool) throws -> Int {
        let section = try section(".BTF", file)
        let btf = try BTF(bytes: Array(section.contentsIn(file.elf.bytes)))
        let found = btf.types.dropFirst().first(where: matches)
        let type = try #require(found)
        return Int(section.offset) + type.recordOffset
    }

    /// File offsets of `.BTF.ext`'s line_info part and of the first record of `section`
    /// (the first section's when nil).
    static func lineInfo(_ file: BPFObjectFile, section name: String? = nil) throws -> (part: Int, record: Int) {
        let ext = try section(".BTF.ext", file)
        let btf = try BTF(bytes: Array(try section(".BTF", file).contentsIn(file.elf.bytes)))
        let bytes = file.elf.bytes
        let base = Int(ext.offset)
        let part = base + Int(bytes.u32(at: base + 4)) + Int(bytes.u32(at: base + 16))
        let end = part + Int(bytes.u32(at: base + 20))
        let recordSize = Int(bytes.u32(at: part))
        var at = part + 4
        while at < end {
            let sectionName = btf.string(at: Int(bytes.u32(at: at)))
            if name == nil || sectionName == name { return (part, at + 8) }
            at += 8 + Int(bytes.u32(at: at + 4)) * recordSize
        }
        throw ExpectationFailedError()
    }

    static func relocation(_ symbol: String, _ file: BPFObjectFile) throws -> ObjectRelocation {
        try #require(
            file.relocations.first { $0.symbolName == symbol && file.elf.sections[$0.sectionIndex].isExecutable })
    }

    static func setSymbol(
        of relocation: ObjectRelocation, to name: String, _ bytes: inout [UInt8], _ file: BPFObjectFile
    )
        throws
    {
        let symbol = try #require(file.symbols.first { $0.name == name })
        bytes.setU64(UInt64(symbol.index) << 32 | UInt64(relocation.type), at: relocation.entryOffset + 8)
    }
}

struct ExpectationFailedError: Error {}

extension ELFSection {
    /// This section's bytes in `bytes` (the file).
    func contentsIn(_ bytes: [UInt8]) -> ArraySlice<UInt8> { bytes[fileRange] }
}
