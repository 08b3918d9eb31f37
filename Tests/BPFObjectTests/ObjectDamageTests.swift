import BPFObject
import Foundation
import TestSupport
import Testing

/// One kind of damage from uBPF's `tests/elf/*.data` (each describes, in its `-- pyelf`
/// section, a field changed in a small object), redone on a real clang object.
struct Damage: CustomTestStringConvertible, Sendable {
    /// The uBPF vector it mirrors (`tests/elf/<name>.data`).
    var ubpfName: String
    /// What uBPF's damage script does, and how it is adapted here.
    var what: String
    var object = "port_filter.o"
    var damage: @Sendable (inout [UInt8], ELFFile) throws -> Void
    /// nil: the object must still read (the damage is none of this reader's business).
    var expected: (@Sendable (ObjectError.Reason) -> Bool)?

    var testDescription: String { ubpfName }
}

@Suite(
    .enabled(if: !ObjectFixtures.objects.isEmpty, "no objects in Programs/build and clang unavailable to build them"))
struct ObjectDamageTests {
    static let damages: [Damage] = [
        Damage(ubpfName: "ok", what: "no damage", damage: { _, _ in }, expected: nil),
        Damage(
            ubpfName: "ehdr-short", what: "only the 4 magic bytes", damage: { bytes, _ in bytes = Array(bytes[0..<4]) },
            expected: { if case .truncatedHeader(4) = $0 { true } else { false } }),
        Damage(
            ubpfName: "wrong-class", what: "EI_CLASS = ELFCLASS32", damage: { bytes, _ in bytes[4] = 1 },
            expected: { $0 == .wrongClass(1) }),
        Damage(
            ubpfName: "wrong-byte-order", what: "EI_DATA = ELFDATA2MSB", damage: { bytes, _ in bytes[5] = 2 },
            expected: { $0 == .wrongByteOrder(2) }),
        Damage(
            ubpfName: "wrong-version", what: "EI_VERSION = 2", damage: { bytes, _ in bytes[6] = 2 },
            expected: { $0 == .wrongVersion(2) }),
        Damage(
            ubpfName: "wrong-osabi", what: "EI_OSABI = ELFOSABI_LINUX", damage: { bytes, _ in bytes[7] = 3 },
            expected: { $0 == .wrongOSABI(3) }),
        Damage(
            ubpfName: "wrong-type", what: "e_type = 0", damage: { bytes, _ in bytes.setU16(0, at: 16) },
            expected: { $0 == .wrongType(0) }),
        Damage(
            ubpfName: "wrong-machine", what: "e_machine = 1", damage: { bytes, _ in bytes.setU16(1, at: 18) },
            expected: { $0 == .wrongMachine(1) }),
        Damage(
            ubpfName: "bad-section-header-offset",
            what: "e_shoff past the end (uBPF's 1024 is inside this larger object)",
            damage: { bytes, _ in bytes.setU64(UInt64(bytes.count - 32), at: 40) },
            expected: { if case .sectionHeadersOutOfFile = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-section-header-size", what: "e_shentsize = 1024",
            damage: { bytes, _ in bytes.setU16(1024, at: 58) },
            expected: { $0 == .badSectionHeaderEntrySize(1024) }),
        Damage(
            ubpfName: "too-many-sections", what: "e_shnum = 1024", damage: { bytes, _ in bytes.setU16(1024, at: 60) },
            expected: { if case .sectionHeadersOutOfFile = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-section-offset", what: "the code section's sh_offset points past the end",
            damage: { bytes, elf in
                try bytes.setU64(UInt64(bytes.count - 8), at: Self.section("tc", elf).headerOffset + 24)
            },
            expected: { if case .contentsOutOfFile = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-section-size", what: "the code section's sh_size runs past the end",
            damage: { bytes, elf in try bytes.setU64(UInt64(bytes.count), at: Self.section("tc", elf).headerOffset + 32)
            },
            expected: { if case .contentsOutOfFile = $0 { true } else { false } }),
        Damage(
            ubpfName: "no-text-section",
            what: "the code section's sh_type = SHT_NULL (its relocations now patch nothing)",
            damage: { bytes, elf in try bytes.setU32(0, at: Self.section("tc", elf).headerOffset + 4) },
            expected: { $0 == .relocatesEmptySection(type: 0) }),
        Damage(
            ubpfName: "bad-rel-offset", what: "a call relocation's r_offset = 500, past the code section",
            damage: { bytes, elf in try bytes.setU64(500, at: Self.callRelocation(elf).entryOffset) },
            expected: { if case .relocationOutOfSection(500, 8, _) = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-rel-symbol-index", what: "r_info's symbol index past the symbol table",
            damage: { bytes, elf in
                try bytes.setU64(
                    UInt64(elf.symbols().count + 5) << 32 | 10, at: Self.callRelocation(elf).entryOffset + 8)
            },
            expected: { if case .symbolIndexOutOfRange = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-rel-type",
            what: "r_info's type = 0x7f (uBPF's 3 is R_BPF_64_ABS32, a valid type here: see bad-rel-type-abs32)",
            damage: { bytes, elf in try bytes.setU32(0x7f, at: Self.callRelocation(elf).entryOffset + 8) },
            expected: { $0 == .unknownRelocationType(0x7f) }),
        Damage(
            ubpfName: "bad-rel-strtab-index", what: "the symbol table's sh_link = 30",
            damage: { bytes, elf in try bytes.setU32(30, at: #require(elf.symbolTable).headerOffset + 40) },
            expected: { if case .sectionIndexOutOfRange("sh_link", 30, _) = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-rel-symbol-table-section-index", what: "the relocation section's sh_link = 30",
            damage: { bytes, elf in try bytes.setU32(30, at: Self.section(".reltc", elf).headerOffset + 40) },
            expected: { if case .sectionIndexOutOfRange("sh_link", 30, _) = $0 { true } else { false } }),
        Damage(
            ubpfName: "bad-rel-symbol-name", what: "a symbol's st_name past the string table",
            damage: { bytes, elf in
                let symbol = try #require(try elf.symbols().first { $0.name == "l4_offset" })
                let strings = elf.sections[Int(try #require(elf.symbolTable).link)]
                bytes.setU32(UInt32(strings.size) + 100, at: symbol.entryOffset)
            },
            expected: { if case .nameOutOfRange = $0 { true } else { false } }),
        Damage(
            ubpfName: "rel-sym-not-found",
            what: "st_name += 1: the function is now called '4_offset'; binding names to code is the loader's job",
            damage: { bytes, elf in
                let symbol = try #require(try elf.symbols().first { $0.name == "l4_offset" })
                bytes.setU32(symbol.nameOffset + 1, at: symbol.entryOffset)
            },
            expected: nil),
    ]

    @Test(arguments: damages)
    func damagedObjectIsRefused(_ damage: Damage) throws {
        var bytes = try #require(ObjectFixtures.bytes(damage.object))
        try damage.damage(&bytes, try ELFFile(bytes: bytes))
        guard let expected = damage.expected else {
            _ = try BPFObjectFile(bytes: bytes)
            return
        }
        do {
            let object = try BPFObjectFile(bytes: bytes)
            Issue.record(
                "\(damage.ubpfName) (\(damage.what)): read \(object.programs.count) programs instead of failing")
        } catch {
            #expect(expected(error.reason), "\(damage.ubpfName): unexpected error \(error)")
        }
    }

    @Test func renamedFunctionIsReadUnderItsNewName() throws {
        var bytes = try #require(ObjectFixtures.bytes("port_filter.o"))
        let elf = try ELFFile(bytes: bytes)
        let symbol = try #require(try elf.symbols().first { $0.name == "l4_offset" })
        bytes.setU32(symbol.nameOffset + 1, at: symbol.entryOffset)
        let object = try BPFObjectFile(bytes: bytes)
        #expect(object.program(named: "4_offset") != nil)
        #expect(object.program(named: "l4_offset") == nil)
    }

    /// uBPF refuses relocation type 3; it is R_BPF_64_ABS32 (DWARF/BTF use it): valid here.
    @Test func abs32RelocationIsValid() throws {
        var bytes = try #require(ObjectFixtures.bytes("port_filter.o"))
        let elf = try ELFFile(bytes: bytes)
        try bytes.setU32(3, at: Self.callRelocation(elf).entryOffset + 8)
        _ = try BPFObjectFile(bytes: bytes)
    }

    /// A code section with no relocations loses its only program when its type is nulled.
    @Test func nulledCodeSectionWithoutRelocationsHasNoPrograms() throws {
        var bytes = try #require(ObjectFixtures.bytes("drop_icmp.o"))
        try bytes.setU32(0, at: Self.section("tc", try ELFFile(bytes: bytes)).headerOffset + 4)
        #expect(try BPFObjectFile(bytes: bytes).programs.isEmpty)
    }

    /// Every damage kind of the uBPF suite has a case above.
    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"))
    func everyUBPFDamageKindIsCovered() {
        let folder = SharedFixtures.conformance?.appendingPathComponent("ubpf_tests/tests/elf")
        let kinds = SharedFixtures.files(under: folder, suffix: ".data").map {
            $0.deletingPathExtension().lastPathComponent
        }
        #expect(!kinds.isEmpty)
        let covered = Set(Self.damages.map(\.ubpfName))
        for kind in kinds where !covered.contains(kind) {
            Issue.record("uBPF damage kind \(kind) has no case")
        }
    }

    static func section(_ name: String, _ elf: ELFFile) throws -> ELFSection {
        try #require(elf.section(named: name))
    }

    static func callRelocation(_ elf: ELFFile) throws -> ELFRelocation {
        try #require(try elf.relocationSection(section(".reltc", elf)).relocations.first)
    }
}
